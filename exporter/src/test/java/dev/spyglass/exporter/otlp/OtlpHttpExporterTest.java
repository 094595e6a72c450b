package dev.spyglass.exporter.otlp;

import static dev.spyglass.exporter.otlp.ExporterFixtures.NO_QUEUE;
import static dev.spyglass.exporter.otlp.ExporterFixtures.fastRetry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.Server;
import dev.spyglass.exporter.otlp.OtlpHttpExporterConfig.Encoding;
import dev.spyglass.pipeline.PermanentException;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.testing.TestData;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code otlphttp} against a real HTTP server on loopback that answers as a script says. */
class OtlpHttpExporterTest {
  private static final Deque<HttpResponse> script = new ArrayDeque<>();
  private static final List<Long> arrivals = new CopyOnWriteArrayList<>();
  private static final List<AggregatedHttpRequest> requests = new CopyOnWriteArrayList<>();
  private static Server server;
  private Exporter exporter;

  @BeforeAll
  static void startServer() {
    server =
        Server.builder()
            .gracefulShutdownTimeout(Duration.ZERO, Duration.ZERO)
            .http(0)
            .service(
                "prefix:/v1/",
                (ctx, req) ->
                    HttpResponse.of(
                        req.aggregate()
                            .thenApply(
                                aggregated -> {
                                  arrivals.add(System.nanoTime());
                                  requests.add(aggregated);
                                  synchronized (script) {
                                    HttpResponse next = script.poll();
                                    return next != null ? next : HttpResponse.of(HttpStatus.OK);
                                  }
                                })))
            .build();
    server.start().join();
  }

  @AfterAll
  static void stopServer() {
    server.stop().join();
  }

  @BeforeEach
  void clear() {
    script.clear();
    arrivals.clear();
    requests.clear();
  }

  @AfterEach
  void stop() {
    if (exporter != null) {
      exporter.shutdown();
    }
  }

  private Exporter start(OtlpHttpExporterConfig config) {
    config.validate();
    exporter = new OtlpHttpExporterFactory().create(ExporterFixtures.settings("otlphttp"), config);
    exporter.start(ExporterFixtures.host(Map.of()));
    return exporter;
  }

  private OtlpHttpExporterConfig config(
      String endpoint, Encoding encoding, Compression compression, RetrySettings retry) {
    return new OtlpHttpExporterConfig(
        endpoint,
        "",
        "",
        "",
        encoding,
        ClientTlsSettings.DEFAULT,
        Map.of("authorization", "Bearer s3cret", "x-tenant", "acme"),
        compression,
        Duration.ofSeconds(5),
        retry,
        NO_QUEUE);
  }

  private String endpoint() {
    return "http://127.0.0.1:" + server.activeLocalPort();
  }

  private void answer(HttpResponse... responses) {
    synchronized (script) {
      script.addAll(List.of(responses));
    }
  }

  @Test
  void sendsGzippedProtobufWithTheConfiguredHeadersToTheSignalsPath() throws Exception {
    start(config(endpoint(), Encoding.PROTO, Compression.GZIP, fastRetry(Duration.ofSeconds(5))));
    var batch = TestData.logs(3);
    exporter.consume(batch).get(10, TimeUnit.SECONDS);
    AggregatedHttpRequest request = requests.getFirst();
    assertThat(request.path()).isEqualTo("/v1/logs");
    assertThat(request.headers().get("authorization")).isEqualTo("Bearer s3cret");
    assertThat(request.headers().get("x-tenant")).isEqualTo("acme");
    assertThat(request.headers().get(HttpHeaderNames.CONTENT_TYPE))
        .isEqualTo("application/x-protobuf");
    assertThat(request.headers().get(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("gzip");
    byte[] body =
        new GZIPInputStream(new ByteArrayInputStream(request.content().array())).readAllBytes();
    assertThat(ExportLogsServiceRequest.parseFrom(body)).isEqualTo(batch.request());
  }

  @Test
  void jsonEncodingWritesTraceIdsAsHex() throws Exception {
    start(config(endpoint(), Encoding.JSON, Compression.NONE, fastRetry(Duration.ofSeconds(5))));
    var traces = TestData.traces(1);
    var request = traces.request().toBuilder();
    request
        .getResourceSpansBuilder(0)
        .getScopeSpansBuilder(0)
        .getSpansBuilder(0)
        .setTraceId(com.google.protobuf.ByteString.fromHex("0102030405060708090a0b0c0d0e0f10"));
    exporter.consume(dev.spyglass.pipeline.Traces.of(request.build(), traces.context())).get();
    AggregatedHttpRequest received = requests.getFirst();
    assertThat(received.path()).isEqualTo("/v1/traces");
    assertThat(received.contentType().is(MediaType.JSON)).isTrue();
    assertThat(received.contentUtf8()).contains("\"traceId\":\"0102030405060708090a0b0c0d0e0f10\"");
  }

  @Test
  void retryableStatusesAreRetriedAndRetryAfterIsWaitedOut() throws Exception {
    start(config(endpoint(), Encoding.PROTO, Compression.NONE, fastRetry(Duration.ofSeconds(30))));
    answer(
        HttpResponse.of(
            ResponseHeaders.builder(HttpStatus.SERVICE_UNAVAILABLE)
                .add(HttpHeaderNames.RETRY_AFTER, "1")
                .build()),
        HttpResponse.of(HttpStatus.TOO_MANY_REQUESTS),
        HttpResponse.of(HttpStatus.BAD_GATEWAY),
        HttpResponse.of(HttpStatus.GATEWAY_TIMEOUT));
    exporter.consume(TestData.logs(1)).get(20, TimeUnit.SECONDS);
    assertThat(arrivals).hasSize(5);
    // The server asked for a second; the backoff alone would have waited 50 ms.
    assertThat(arrivals.get(1) - arrivals.get(0)).isGreaterThanOrEqualTo(950_000_000L);
  }

  @Test
  void permanentStatusesAreNeverRetried() throws Exception {
    start(config(endpoint(), Encoding.PROTO, Compression.NONE, fastRetry(Duration.ofSeconds(30))));
    for (HttpStatus status :
        List.of(
            HttpStatus.BAD_REQUEST,
            HttpStatus.UNAUTHORIZED,
            HttpStatus.FORBIDDEN,
            HttpStatus.NOT_FOUND,
            HttpStatus.REQUEST_ENTITY_TOO_LARGE,
            HttpStatus.INTERNAL_SERVER_ERROR)) {
      arrivals.clear();
      answer(HttpResponse.of(status, MediaType.PLAIN_TEXT, "no: " + status.code()));
      assertThatThrownBy(() -> exporter.consume(TestData.logs(1)).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(PermanentException.class)
          .hasMessageContaining("HTTP " + status.code());
      assertThat(arrivals).as("attempts for %s", status).hasSize(1);
    }
  }

  @Test
  void aPartialSuccessIsASuccessAndIsNotRetried() throws Exception {
    start(config(endpoint(), Encoding.PROTO, Compression.NONE, fastRetry(Duration.ofSeconds(30))));
    answer(
        HttpResponse.of(
            HttpStatus.OK,
            MediaType.PROTOBUF,
            ExportLogsServiceResponse.newBuilder()
                .setPartialSuccess(
                    ExportLogsPartialSuccess.newBuilder()
                        .setRejectedLogRecords(1)
                        .setErrorMessage("one was too old"))
                .build()
                .toByteArray()));
    exporter.consume(TestData.logs(2)).get(10, TimeUnit.SECONDS);
    assertThat(arrivals).hasSize(1);
  }

  @Test
  void givesUpAfterMaxElapsedTimeWithARetryableError() throws Exception {
    start(config(endpoint(), Encoding.PROTO, Compression.NONE, fastRetry(Duration.ofMillis(400))));
    for (int i = 0; i < 50; i++) {
      answer(HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE));
    }
    assertThatThrownBy(() -> exporter.consume(TestData.logs(1)).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(RetryableException.class)
        .hasMessageContaining("HTTP 503");
    assertThat(arrivals).hasSizeBetween(2, 10);
  }

  @Test
  void anEndpointThatIsNotListeningIsRetryable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    start(
        config(
            "http://127.0.0.1:" + closedPort,
            Encoding.PROTO,
            Compression.NONE,
            fastRetry(Duration.ofMillis(300))));
    assertThatThrownBy(() -> exporter.consume(TestData.logs(1)).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(RetryableException.class);
  }

  @Test
  void retryAfterAsAnHttpDateIsRead() throws IOException {
    var now = java.time.Instant.parse("2026-01-01T00:00:00Z");
    assertThat(RetryAfter.parse("Thu, 01 Jan 2026 00:00:07 GMT", now))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(RetryAfter.parse("3", now)).isEqualTo(Duration.ofSeconds(3));
    assertThat(RetryAfter.parse("soon", now)).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse(null, now)).isEqualTo(Duration.ZERO);
  }
}
