package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.Cursor;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.embedded.StoreConfig;
import dev.spyglass.storage.embedded.TelemetryStore;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Records sent over OTLP survive {@code kill -9}: a client records which requests Spyglass
 * acknowledged, Spyglass is killed mid-stream and restarted, and every acknowledged record is read
 * back from the store byte for byte.
 */
class CrashRecoveryProcessTest {
  private static final Resource RESOURCE =
      Resource.newBuilder()
          .addAttributes(
              KeyValue.newBuilder()
                  .setKey("service.name")
                  .setValue(AnyValue.newBuilder().setStringValue("crash-test")))
          .build();

  @TempDir Path dir;

  @Test
  void acknowledgedRecords_surviveKill9_byteForByte() throws Exception {
    int api = SpyglassProcess.freePort();
    int otlp = SpyglassProcess.freePort();
    Path data = dir.resolve("data");
    Path config = dir.resolve("spyglass.yaml");
    Files.writeString(
        config,
        """
        receivers:
          otlp: { protocols: { http: { endpoint: 127.0.0.1:%d } } }
        exporters:
          spyglass: { path: %s, commit_interval: 1s, refresh_interval: 200ms }
        extensions:
          api: { endpoint: 127.0.0.1:%d }
        service:
          extensions: [api]
          pipelines:
            logs: { receivers: [otlp], exporters: [spyglass] }
        """
            .formatted(otlp, data, api));
    Path log = dir.resolve("spyglass.log");

    Map<String, LogRecord> acknowledged = new ConcurrentHashMap<>();
    AtomicInteger ackedRequests = new AtomicInteger();
    AtomicBoolean sending = new AtomicBoolean(true);
    try (SpyglassProcess first =
        SpyglassProcess.start(dir, log, Map.of(), "run", "--config", config.toString())) {
      first.awaitReady(api);
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      List<Thread> senders = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        senders.add(
            Thread.ofPlatform()
                .start(() -> send(client, otlp, thread, sending, acknowledged, ackedRequests)));
      }
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> ackedRequests.get() >= 200);
      first.kill(); // SIGKILL, mid-stream
      sending.set(false);
      for (Thread sender : senders) {
        sender.join();
      }
    }
    assertThat(Files.readString(log)).doesNotContain("shutting down");

    try (SpyglassProcess second =
        SpyglassProcess.start(dir, log, Map.of(), "run", "--config", config.toString())) {
      second.awaitReady(api);
      second.process().destroy(); // SIGTERM: a clean stop, so the test can open the store
      assertThat(second.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(second.process().exitValue()).isZero();
    }

    Map<String, List<StoredRecord>> stored = readAll(data);
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(200 * 10);
    for (Map.Entry<String, LogRecord> sent : acknowledged.entrySet()) {
      List<StoredRecord> found = stored.get(sent.getKey());
      assertThat(found).as("acknowledged record %s", sent.getKey()).isNotNull();
      ExportLogsServiceRequest request =
          ExportLogsServiceRequest.parseFrom(found.getFirst().toRequest().toByteString());
      ResourceLogs resource = request.getResourceLogs(0);
      assertThat(resource.getResource()).isEqualTo(RESOURCE);
      assertThat(resource.getScopeLogs(0).getScope().getName()).isEqualTo("crash-test");
      assertThat(resource.getScopeLogs(0).getLogRecords(0)).isEqualTo(sent.getValue());
    }
    // Nothing acknowledged appears twice (a retried request could, but this client never retries).
    assertThat(acknowledged.keySet()).allSatisfy(body -> assertThat(stored.get(body)).hasSize(1));
  }

  private static void send(
      HttpClient client,
      int port,
      int thread,
      AtomicBoolean sending,
      Map<String, LogRecord> acknowledged,
      AtomicInteger ackedRequests) {
    for (int request = 0; sending.get(); request++) {
      List<LogRecord> records = new ArrayList<>();
      ScopeLogs.Builder scope =
          ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName("crash-test"));
      for (int i = 0; i < 10; i++) {
        LogRecord record =
            LogRecord.newBuilder()
                .setTimeUnixNano(System.currentTimeMillis() * 1_000_000L + i)
                .setSeverityText("INFO")
                .setBody(
                    AnyValue.newBuilder().setStringValue("t" + thread + "-r" + request + "-" + i))
                .addAttributes(
                    KeyValue.newBuilder()
                        .setKey("request")
                        .setValue(AnyValue.newBuilder().setIntValue(request)))
                .build();
        records.add(record);
        scope.addLogRecords(record);
      }
      byte[] body =
          ExportLogsServiceRequest.newBuilder()
              .addResourceLogs(ResourceLogs.newBuilder().setResource(RESOURCE).addScopeLogs(scope))
              .build()
              .toByteArray();
      try {
        HttpResponse<byte[]> response =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/logs"))
                    .header("Content-Type", "application/x-protobuf")
                    .timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 200) {
          records.forEach(r -> acknowledged.put(r.getBody().getStringValue(), r));
          ackedRequests.incrementAndGet();
        }
      } catch (Exception e) {
        // The server is gone: this request was not acknowledged.
      }
    }
  }

  private static Map<String, List<StoredRecord>> readAll(Path data) throws Exception {
    StoreConfig defaults = StoreConfig.defaults();
    StoreConfig config =
        new StoreConfig(
            data.toString(),
            defaults.durability(),
            defaults.refreshInterval(),
            defaults.commitInterval(),
            defaults.partitionDuration(),
            defaults.walSegmentSize(),
            defaults.retention(),
            defaults.limits(),
            new StoreConfig.Backpressure(defaults.backpressure().maxIndexingLag(), 0),
            StoreConfig.Query.DEFAULT,
            StoreConfig.Patterns.DEFAULT);
    Map<String, List<StoredRecord>> byBody = new HashMap<>();
    try (TelemetryStore store =
        TelemetryStore.open(
            config, LoggerFactory.getLogger("reader"), MeterProvider.noop().get("t"))) {
      Optional<Cursor> cursor = Optional.empty();
      do {
        SearchResult page =
            store
                .reader()
                .search(
                    SearchRequest.of(Signal.LOGS, "*", Long.MIN_VALUE, Long.MAX_VALUE, 5000)
                        .withAfter(cursor));
        for (StoredRecord hit : page.records()) {
          String body = ((StoredLog) hit).log().getBody().getStringValue();
          byBody.computeIfAbsent(body, b -> new ArrayList<>()).add(hit);
        }
        cursor = page.next();
      } while (cursor.isPresent());
    }
    return byBody;
  }
}
