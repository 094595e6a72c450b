package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spyglass.pipeline.service.Service;
import dev.spyglass.pipeline.testing.TestCertificates;
import dev.spyglass.server.config.ConfigLoader;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real Spyglass instances on loopback: A stores locally and forwards to B over OTLP. B goes
 * away and comes back, A is killed with a full on-disk queue and restarted, B refuses data: nothing
 * A acknowledged is lost, and B's refusals are classified as the OTLP specification says.
 */
class ForwardingTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final long start = System.currentTimeMillis() - 60_000;
  private final List<Service> running = new ArrayList<>();
  private int bGrpc;
  private int bHttp;
  private int bApi;

  @BeforeEach
  void ports() throws Exception {
    bGrpc = SpyglassProcess.freePort();
    bHttp = SpyglassProcess.freePort();
    bApi = SpyglassProcess.freePort();
  }

  @AfterEach
  void stopAll() {
    running.reversed().forEach(Service::shutdown);
  }

  private Service start(String yaml) {
    Service service =
        Service.create(
            ConfigLoader.create(ComponentRegistry.factories()).parse(yaml, "test.yaml"),
            ComponentRegistry.factories(),
            MeterProvider.noop());
    service.start();
    running.add(service);
    return service;
  }

  /**
   * B: OTLP over gRPC and HTTP into its own store; {@code grpcExtra} and {@code httpExtra} are more
   * settings of each protocol (", key: value").
   */
  private Service startB(String grpcExtra, String httpExtra) {
    return start(
        """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:%d %s }
              http: { endpoint: 127.0.0.1:%d %s }
        exporters:
          spyglass: { path: %s, refresh_interval: 100ms }
        extensions:
          api: { endpoint: 127.0.0.1:%d }
        service:
          extensions: [api]
          pipelines:
            logs: { receivers: [otlp], exporters: [spyglass] }
        """
            .formatted(bGrpc, grpcExtra, bHttp, httpExtra, dir.resolve("b"), bApi));
  }

  private Service startB() {
    return startB("", "");
  }

  /** A's configuration: OTLP/HTTP in, its own store and {@code forward} (an exporter id) out. */
  private String configA(int aHttp, int aApi, String forward, String forwardConfig) {
    return """
        receivers:
          otlp: { protocols: { http: { endpoint: 127.0.0.1:%d } } }
        exporters:
          spyglass: { path: %s, refresh_interval: 100ms }
          %s:
        %s
        extensions:
          api: { endpoint: 127.0.0.1:%d }
          file_storage: { directory: %s }
        service:
          extensions: [api, file_storage]
          pipelines:
            logs: { receivers: [otlp], exporters: [spyglass, %s] }
        """
        .formatted(
            aHttp,
            dir.resolve("a-store"),
            forward,
            forwardConfig.indent(4).stripTrailing(),
            aApi,
            dir.resolve("a-queue"),
            forward);
  }

  private String otlpToB(String queue) {
    return """
        endpoint: 127.0.0.1:%d
        tls: { insecure: true }
        retry_on_failure: { initial_interval: 100ms, max_interval: 500ms, max_elapsed_time: 0s }
        sending_queue: %s
        """
        .formatted(bGrpc, queue);
  }

  @Test
  void bGoesAwayMidStreamAndComesBack_everythingAAcknowledgedArrives() throws Exception {
    int aHttp = SpyglassProcess.freePort();
    int aApi = SpyglassProcess.freePort();
    Service b = startB();
    start(
        configA(
            aHttp,
            aApi,
            "otlp/b",
            otlpToB("{ num_consumers: 4, queue_size: 500, storage: file_storage }")));

    Set<String> acknowledged = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      if (i == 20) {
        b.shutdown();
        running.remove(b);
      }
      if (i == 40) {
        startB();
      }
      ExportLogsServiceRequest batch = batch("r" + i, 10);
      int status = send(aHttp, batch);
      assertThat(status).as("A answers request %d", i).isEqualTo(200);
      batch.getResourceLogs(0).getScopeLogs(0).getLogRecordsList().stream()
          .map(r -> r.getBody().getStringValue())
          .forEach(acknowledged::add);
    }

    awaitBodies(bApi, acknowledged);
    awaitBodies(aApi, acknowledged);
  }

  @Test
  void aKilledWithAFullDiskQueue_drainsToBAfterRestart() throws Exception {
    int aHttp = SpyglassProcess.freePort();
    int aApi = SpyglassProcess.freePort();
    Path config = dir.resolve("a.yaml");
    Files.writeString(
        config,
        configA(
            aHttp,
            aApi,
            "otlp/b",
            otlpToB("{ num_consumers: 2, queue_size: 8, storage: file_storage }")));
    Path log = dir.resolve("a.log");

    Set<String> acknowledged = new HashSet<>();
    int refused = 0;
    try (SpyglassProcess a =
        SpyglassProcess.start(dir, log, Map.of(), "run", "--config", config.toString())) {
      a.awaitReady(aApi);
      // B is not running: the queue fills up, then A refuses with a retryable 503.
      for (int i = 0; i < 12; i++) {
        ExportLogsServiceRequest batch = batch("k" + i, 5);
        int status = send(aHttp, batch);
        if (status == 200) {
          batch.getResourceLogs(0).getScopeLogs(0).getLogRecordsList().stream()
              .map(r -> r.getBody().getStringValue())
              .forEach(acknowledged::add);
        } else {
          assertThat(status).isEqualTo(503);
          refused++;
        }
      }
      // What an operator sees on A's /metrics: a full queue, the batches it refused, and the
      // senders retrying (once their first attempt at the absent B has come back).
      java.util.regex.Pattern retried =
          java.util.regex.Pattern.compile(
              "spyglass_exporter_send_duration_seconds_count\\{exporter=\"otlp/b\",[^}]*outcome=\"retry\"");
      String metrics =
          await()
              .atMost(Duration.ofSeconds(15))
              .until(
                  () -> SpyglassProcess.get(aApi, "/metrics").body(),
                  body -> retried.matcher(body).find());
      assertThat(metrics)
          .contains("otelcol_exporter_queue_size{exporter=\"otlp/b\"")
          .containsPattern("otelcol_exporter_queue_size\\{exporter=\"otlp/b\"[^}]*\\} 8")
          .containsPattern("otelcol_exporter_queue_capacity\\{exporter=\"otlp/b\"[^}]*\\} 8")
          .containsPattern(
              "otelcol_exporter_enqueue_failed_log_records_total\\{exporter=\"otlp/b\"[^}]*\\} 20")
          .containsPattern(
              "spyglass_exporter_send_duration_seconds_count\\{exporter=\"otlp/b\",[^}]*outcome=\"retry\"");
      a.kill();
    }
    assertThat(acknowledged).hasSize(8 * 5);
    assertThat(refused).isEqualTo(4);
    try (Stream<Path> files = Files.walk(dir.resolve("a-queue"))) {
      assertThat(files.filter(p -> p.toString().endsWith(".queue"))).isNotEmpty();
    }

    startB();
    try (SpyglassProcess a =
        SpyglassProcess.start(dir, log, Map.of(), "run", "--config", config.toString())) {
      a.awaitReady(aApi);
      awaitBodies(bApi, acknowledged);
    }
  }

  @Test
  void bsRefusalsAreClassified_permanentIs400_retryableIs503() throws Exception {
    int aHttp = SpyglassProcess.freePort();
    startB(", max_recv_msg_size_mib: 1", ", auth: { bearer_tokens: [s3cret] }");
    start(
        pipelineA(
            aHttp,
            "otlphttp/no-token",
            "endpoint: http://127.0.0.1:%d\nsending_queue: { enabled: false }".formatted(bHttp)));
    assertThat(send(aHttp, batch("t0", 1))).as("401 from B is permanent").isEqualTo(400);

    int tokenPort = SpyglassProcess.freePort();
    start(
        pipelineA(
            tokenPort,
            "otlphttp/token",
            "endpoint: http://127.0.0.1:%d\nencoding: json\nheaders: { authorization: Bearer s3cret }\nsending_queue: { enabled: false }"
                .formatted(bHttp)));
    assertThat(send(tokenPort, batch("t1", 3))).isEqualTo(200);
    awaitBodies(bApi, Set.of("t1-0", "t1-1", "t1-2"));

    int grpcPort = SpyglassProcess.freePort();
    start(
        pipelineA(
            grpcPort,
            "otlp/grpc",
            "endpoint: http://127.0.0.1:%d\ncompression: none\nsending_queue: { enabled: false }"
                .formatted(bGrpc)));
    assertThat(send(grpcPort, batch("g", 2))).isEqualTo(200);
    // Over B's 1 MiB limit: INVALID_ARGUMENT, permanent.
    assertThat(send(grpcPort, bigBatch(3 << 20))).as("oversized is permanent").isEqualTo(400);

    int downPort = SpyglassProcess.freePort();
    start(
        pipelineA(
            downPort,
            "otlp/down",
            "endpoint: http://127.0.0.1:%d\nretry_on_failure: { initial_interval: 50ms, max_elapsed_time: 500ms }\nsending_queue: { enabled: false }"
                .formatted(SpyglassProcess.freePort())));
    assertThat(send(downPort, batch("d", 1))).as("unreachable is retryable").isEqualTo(503);
  }

  @Test
  void forwardsOverMutualTls_grpcAndHttps() throws Exception {
    Path certs = Files.createDirectories(dir.resolve("certs"));
    TestCertificates.make(certs);
    String serverTls =
        "tls: { cert_file: %s, key_file: %s, client_ca_file: %s }"
            .formatted(
                certs.resolve("server.crt"), certs.resolve("server.key"), certs.resolve("ca.crt"));
    startB(", " + serverTls, ", " + serverTls);
    String clientTls =
        "tls: { ca_file: %s, cert_file: %s, key_file: %s }"
            .formatted(
                certs.resolve("ca.crt"), certs.resolve("client.crt"), certs.resolve("client.key"));
    String once =
        "retry_on_failure: { initial_interval: 50ms, max_elapsed_time: 300ms }\n"
            + "sending_queue: { enabled: false }";

    int grpcPort = SpyglassProcess.freePort();
    start(
        pipelineA(
            grpcPort,
            "otlp/mtls",
            "endpoint: 127.0.0.1:%d\n%s\n%s".formatted(bGrpc, clientTls, once)));
    assertThat(send(grpcPort, batch("grpc-tls", 2))).isEqualTo(200);

    int httpsPort = SpyglassProcess.freePort();
    start(
        pipelineA(
            httpsPort,
            "otlphttp/mtls",
            "endpoint: https://127.0.0.1:%d\n%s\n%s".formatted(bHttp, clientTls, once)));
    assertThat(send(httpsPort, batch("https-tls", 2))).isEqualTo(200);
    awaitBodies(bApi, Set.of("grpc-tls-0", "grpc-tls-1", "https-tls-0", "https-tls-1"));

    int noCertPort = SpyglassProcess.freePort();
    start(
        pipelineA(
            noCertPort,
            "otlp/no-cert",
            "endpoint: 127.0.0.1:%d\ntls: { ca_file: %s }\n%s"
                .formatted(bGrpc, certs.resolve("ca.crt"), once)));
    assertThat(send(noCertPort, batch("no-cert", 1)))
        .as("B refuses the handshake without a client certificate")
        .isNotEqualTo(200);
  }

  private String pipelineA(int port, String exporter, String exporterConfig) {
    return """
        receivers:
          otlp: { protocols: { http: { endpoint: 127.0.0.1:%d } } }
        exporters:
          %s:
        %s
        service:
          pipelines:
            logs: { receivers: [otlp], exporters: [%s] }
        """
        .formatted(port, exporter, exporterConfig.indent(4).stripTrailing(), exporter);
  }

  private static ExportLogsServiceRequest batch(String prefix, int records) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < records; i++) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(now + i)
              .setBody(AnyValue.newBuilder().setStringValue(prefix + "-" + i)));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
        .build();
  }

  private static ExportLogsServiceRequest bigBatch(int bytes) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .addLogRecords(
                            LogRecord.newBuilder()
                                .setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
                                .setBody(AnyValue.newBuilder().setStringValue("x".repeat(bytes))))))
        .build();
  }

  private static int send(int port, ExportLogsServiceRequest request) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/logs"))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Waits until the store behind {@code api} holds every one of {@code bodies}. */
  private void awaitBodies(int api, Set<String> bodies) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(storedBodies(api)).containsAll(bodies));
  }

  private Set<String> storedBodies(int api) throws Exception {
    HttpResponse<Stream<String>> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + api
                            + "/api/v1/logs/export?format=ndjson&end=now&start="
                            + start))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    Set<String> bodies = new HashSet<>();
    response
        .body()
        .filter(line -> !line.isBlank())
        .forEach(
            line -> {
              try {
                JsonNode record = JSON.readTree(line);
                bodies.add(record.get("body").asText());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    return bodies;
  }
}
