package dev.spyglass.storage.embedded;

import static dev.spyglass.storage.Otlp.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.Otlp;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.StoredRecords;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Each record's resource and scope are kept once per segment, not in every record (docs/adr/0024),
 * and every record still reads back with its own, byte for byte, in either order and across pages;
 * an origin too large to share is stored whole with its record and reads back too.
 */
class StoredOriginTest {
  @TempDir Path dir;

  @Test
  void everyRecordReadsBackWithItsOwnOrigin_whileEachOriginIsKeptOncePerSegment() throws Exception {
    Random random = new Random(24);
    Map<String, ExportLogsServiceRequest> written = new HashMap<>();
    int origins = 6;
    try (TelemetryStore store = open()) {
      long time = T0;
      for (int batch = 0; batch < 30; batch++) {
        ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
        // Several resources and scopes per request, their records interleaved in time.
        for (int r = 0; r < 3; r++) {
          int origin = random.nextInt(origins);
          ResourceLogs.Builder resource =
              ResourceLogs.newBuilder()
                  .setResource(resource(origin))
                  .setSchemaUrl("https://opentelemetry.io/schemas/1." + origin);
          ScopeLogs.Builder scope =
              ScopeLogs.newBuilder()
                  .setScope(InstrumentationScope.newBuilder().setName("scope-" + origin % 2))
                  .setSchemaUrl(origin % 2 == 0 ? "" : "https://example.com/scope");
          for (int i = 0; i < 1 + random.nextInt(20); i++) {
            time += random.nextInt(1_000_000);
            String body = "record " + written.size();
            LogRecord log = Otlp.log(time, SeverityNumber.SEVERITY_NUMBER_INFO, body);
            scope.addLogRecords(log);
            written.put(
                body,
                StoredRecords.request(
                    new dev.spyglass.storage.RecordOrigin(
                        resource.getResource(),
                        resource.getSchemaUrl(),
                        scope.getScope(),
                        scope.getSchemaUrl()),
                    log));
          }
          request.addResourceLogs(resource.addScopeLogs(scope));
        }
        store.write(Logs.of(request.build(), RequestContext.EMPTY)).get();
        if (batch % 7 == 6) {
          store.checkpointNow(); // several segments
        }
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> all(store, false, written.size()).size() == written.size());
      for (boolean oldestFirst : new boolean[] {false, true}) {
        List<StoredRecord> read = all(store, oldestFirst, 17);
        assertThat(read).hasSize(written.size());
        for (StoredRecord record : read) {
          String body = ((StoredLog) record).log().getBody().getStringValue();
          assertThat(
                  StoredRecords.request(((StoredLog) record).origin(), ((StoredLog) record).log()))
              .as(body)
              .isEqualTo(written.get(body));
        }
      }
      store.checkpointNow();
    }
    int segments = 0;
    try (Stream<Path> partitions = Files.list(dir.resolve("logs"))) {
      for (Path partition : partitions.toList()) {
        try (FSDirectory directory = FSDirectory.open(partition);
            DirectoryReader reader = DirectoryReader.open(directory)) {
          for (LeafReaderContext leaf : reader.leaves()) {
            SortedDocValues kept = leaf.reader().getSortedDocValues(DocumentBuilder.ORIGIN);
            assertThat(kept).as("every record refers to its origin").isNotNull();
            assertThat(kept.getValueCount()).isBetween(1, origins);
            assertThat(kept.cost()).isEqualTo(leaf.reader().maxDoc());
            segments++;
          }
        }
      }
    }
    assertThat(segments).isGreaterThan(1);
  }

  /**
   * Times equal to the document's timestamp are left out of the stored record (docs/adr/0026) and
   * come back from it: every combination of a log's two times, and spans, read back exactly.
   */
  @Test
  void timesLeftOutOfTheStoredRecord_readBackExactly() throws Exception {
    long t = T0 + 5_000;
    LogRecord base = Otlp.log(0, SeverityNumber.SEVERITY_NUMBER_INFO, "x");
    List<LogRecord> logs =
        List.of(
            with(base, "both equal", t, t),
            with(base, "observed later", t + 1, t + 7),
            with(base, "observed earlier", t + 2, t - 9),
            with(base, "no observed", t + 3, 0),
            with(base, "observed only", 0, t + 4),
            with(base, "neither", 0, 0));
    io.opentelemetry.proto.trace.v1.Span span =
        Otlp.span(
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            "GET /cart",
            t,
            2_000,
            io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER,
            false);
    io.opentelemetry.proto.trace.v1.Span unstarted =
        span.toBuilder().setStartTimeUnixNano(0).setName("no start").build();
    try (TelemetryStore store = open()) {
      store.write(Otlp.logs("checkout", logs.toArray(LogRecord[]::new))).get();
      store.write(Otlp.traces("checkout", span, unstarted)).get();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> all(store, false, 100).size() == logs.size());
      Map<String, LogRecord> read = new HashMap<>();
      for (StoredRecord record : all(store, false, 100)) {
        LogRecord log = ((StoredLog) record).log();
        read.put(log.getBody().getStringValue(), log);
      }
      for (LogRecord log : logs) {
        assertThat(read.get(log.getBody().getStringValue()))
            .as(log.getBody().getStringValue())
            .isEqualTo(log);
      }
      List<io.opentelemetry.proto.trace.v1.Span> spans = new ArrayList<>();
      SearchRequest traces =
          SearchRequest.of(Signal.TRACES, "*", Long.MIN_VALUE, Long.MAX_VALUE, 10);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> store.reader().search(traces).records().size() == 2);
      for (StoredRecord record : store.reader().search(traces).records()) {
        spans.add(((dev.spyglass.storage.StoredSpan) record).span());
      }
      assertThat(spans).containsExactlyInAnyOrder(span, unstarted);
    }
  }

  private static LogRecord with(LogRecord log, String body, long time, long observed) {
    return log.toBuilder()
        .setBody(AnyValue.newBuilder().setStringValue(body))
        .setTimeUnixNano(time)
        .setObservedTimeUnixNano(observed)
        .build();
  }

  @Test
  void anOriginTooLargeToShare_isStoredWithItsRecord_andReadsBack() throws Exception {
    String huge = "x".repeat(40_000);
    LogRecord log = Otlp.log(T0, SeverityNumber.SEVERITY_NUMBER_WARN, "big resource");
    ExportLogsServiceRequest request =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(attribute("service.name", "big"))
                            .addAttributes(attribute("k8s.annotations", huge)))
                    .addScopeLogs(
                        ScopeLogs.newBuilder()
                            .setScope(InstrumentationScope.newBuilder().setName("big"))
                            .addLogRecords(log)))
            .build();
    try (TelemetryStore store = open()) {
      store.write(Logs.of(request, RequestContext.EMPTY)).get();
      await().atMost(Duration.ofSeconds(30)).until(() -> all(store, false, 10).size() == 1);
      StoredLog read = (StoredLog) all(store, false, 10).getFirst();
      assertThat(StoredRecords.request(read.origin(), read.log())).isEqualTo(request);
    }
  }

  private TelemetryStore open() throws Exception {
    return TelemetryStore.open(
        LuceneStoreContractTest.config(dir),
        LoggerFactory.getLogger("store"),
        MeterProvider.noop().get("t"));
  }

  private static List<StoredRecord> all(TelemetryStore store, boolean oldestFirst, int pageSize)
      throws Exception {
    List<StoredRecord> records = new ArrayList<>();
    SearchRequest request =
        SearchRequest.of(Signal.LOGS, "*", Long.MIN_VALUE, Long.MAX_VALUE, pageSize)
            .withOldestFirst(oldestFirst);
    while (true) {
      SearchResult page = store.reader().search(request);
      records.addAll(page.records());
      if (page.next().isEmpty()) {
        return records;
      }
      request = request.withAfter(Optional.of(page.next().get()));
    }
  }

  private static Resource resource(int origin) {
    return Resource.newBuilder()
        .addAttributes(attribute("service.name", "svc-" + origin % 3))
        .addAttributes(attribute("host.name", "host-" + origin))
        .build();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}
