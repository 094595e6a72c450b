package dev.spyglass.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import com.google.protobuf.ByteString;
import com.google.rpc.Status;
import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.PermanentException;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Traces;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OtlpHttpProtocolTest {
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  // One receiver for the class: stopping an Armeria server takes ~2 s (Netty's quiet period).
  private static ReceiverHarness shared;
  private ReceiverHarness receiver;

  @BeforeAll
  static void startShared() {
    shared = ReceiverHarness.start();
  }

  @AfterAll
  static void stopShared() {
    shared.close();
  }

  @BeforeEach
  void useShared() {
    shared.reset();
    receiver = shared;
  }

  @AfterEach
  void stopOwn() {
    if (receiver != shared) {
      receiver.close();
    }
  }

  static ExportLogsServiceRequest logs(int count) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 0; i < count; i++) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(1_700_000_000_000_000_000L + i)
              .setBody(AnyValue.newBuilder().setStringValue("line " + i)));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
        .build();
  }

  private HttpResponse<byte[]> post(String path, String contentType, String encoding, byte[] body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(receiver.httpUrl(path)))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (encoding != null) {
      request.header("Content-Encoding", encoding);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static Status protobufStatus(HttpResponse<byte[]> response) throws Exception {
    assertThat(response.headers().firstValue("content-type")).hasValue(PROTOBUF);
    return Status.parseFrom(response.body());
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  @Test
  void protobuf_isAccepted_andAnsweredInProtobuf() throws Exception {
    HttpResponse<byte[]> response = post("/v1/logs", PROTOBUF, null, logs(3).toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue(PROTOBUF);
    assertThat(ExportLogsServiceResponse.parseFrom(response.body()).hasPartialSuccess()).isFalse();
    assertThat(((Logs) receiver.received.getFirst()).request()).isEqualTo(logs(3));
    assertThat(receiver.counter("otelcol_receiver_accepted_log_records")).isEqualTo(3);
  }

  @Test
  void json_isAccepted_andAnsweredInJson_withCharsetParameter() throws Exception {
    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\"hi\"}}]}]}]}";
    HttpResponse<byte[]> response =
        post("/v1/logs", "application/json; charset=utf-8", null, json.getBytes());

    assertThat(response.statusCode()).isEqualTo(200);
    // The answer's Content-Type is the request's, parameters included (OTLP/HTTP).
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("application/json; charset=utf-8");
    assertThat(text(response)).isEqualTo("{}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "deflate", "deflate-raw", "zstd", "identity"})
  void compressedBodies_areDecoded(String encoding) throws Exception {
    byte[] body = logs(50).toByteArray();
    byte[] encoded =
        switch (encoding) {
          case "gzip" -> gzip(body);
          case "deflate" -> deflate(body, false);
          case "deflate-raw" -> deflate(body, true);
          case "zstd" -> Zstd.compress(body);
          default -> body;
        };
    String header = encoding.equals("deflate-raw") ? "deflate" : encoding;

    HttpResponse<byte[]> response = post("/v1/logs", PROTOBUF, header, encoded);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(((Logs) receiver.received.getFirst()).request()).isEqualTo(logs(50));
  }

  @Test
  void unknownContentEncoding_is415() throws Exception {
    HttpResponse<byte[]> response = post("/v1/logs", PROTOBUF, "br", logs(1).toByteArray());

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(protobufStatus(response).getMessage()).contains("unsupported Content-Encoding 'br'");
    assertThat(receiver.received).isEmpty();
  }

  @Test
  void unsupportedContentType_is415_answeredInJson() throws Exception {
    HttpResponse<byte[]> response = post("/v1/logs", "text/plain", null, "hello".getBytes());

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(text(response)).contains("unsupported Content-Type");
  }

  @Test
  void truncatedProtobuf_is400() throws Exception {
    byte[] body = logs(5).toByteArray();
    byte[] truncated = java.util.Arrays.copyOf(body, body.length - 3);

    HttpResponse<byte[]> response = post("/v1/logs", PROTOBUF, null, truncated);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(protobufStatus(response).getCode()).isEqualTo(3);
    assertThat(protobufStatus(response).getMessage()).startsWith("cannot decode protobuf");
  }

  @Test
  void corruptGzip_is400() throws Exception {
    HttpResponse<byte[]> response =
        post("/v1/logs", PROTOBUF, "gzip", "not gzip at all".getBytes());

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void jsonWithWrongTypes_is400() throws Exception {
    String json =
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":{\"a\":1}}]}]}]}";

    HttpResponse<byte[]> response = post("/v1/logs", JSON, null, json.getBytes());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(text(response)).contains("\"code\":3").contains("cannot decode JSON");
  }

  @Test
  void base64WhereHexIsExpected_is400_sayingWhy() throws Exception {
    String json =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"W47/95gDgQPSabYzgT/GDA==\","
            + "\"spanId\":\"7uGbfsPBsXQ=\",\"name\":\"x\"}]}]}]}";

    HttpResponse<byte[]> response = post("/v1/traces", JSON, null, json.getBytes());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(text(response)).contains("traceId must be 32 hex digits");
    assertThat(receiver.received).isEmpty();
  }

  @Test
  void emptyBody_isAnEmptyRequest_forProtobuf_andAnError_forJson() throws Exception {
    assertThat(post("/v1/logs", PROTOBUF, null, new byte[0]).statusCode()).isEqualTo(200);
    assertThat(post("/v1/logs", JSON, null, new byte[0]).statusCode()).isEqualTo(400);
    assertThat(receiver.received).isEmpty();
  }

  @Test
  void hundredThousandAttributes_areTaken() throws Exception {
    LogRecord.Builder record = LogRecord.newBuilder();
    for (int i = 0; i < 100_000; i++) {
      record.addAttributes(
          KeyValue.newBuilder().setKey("k" + i).setValue(AnyValue.newBuilder().setIntValue(i)));
    }
    ExportLogsServiceRequest request =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(record)))
            .build();

    HttpResponse<byte[]> response = post("/v1/logs", PROTOBUF, "gzip", gzip(request.toByteArray()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(((Logs) receiver.received.getFirst()).request()).isEqualTo(request);
  }

  @Test
  void gzipBombOf10GiB_is413_withoutInflating_andServerStaysHealthy() throws Exception {
    // 1024 concatenated gzip members of 10 MiB of zeros each: ~10 MiB on the wire, 10 GiB inflated.
    byte[] member = gzip(new byte[10 * 1024 * 1024]);
    ByteArrayOutputStream bomb = new ByteArrayOutputStream(member.length * 1024);
    for (int i = 0; i < 1024; i++) {
      bomb.write(member);
    }

    HttpResponse<byte[]> response = post("/v1/logs", PROTOBUF, "gzip", bomb.toByteArray());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(protobufStatus(response).getMessage()).contains("after decompression");
    assertThat(post("/v1/logs", PROTOBUF, null, logs(1).toByteArray()).statusCode()).isEqualTo(200);
  }

  @Test
  void bodyOverTheLimit_is413_compressedOrNot() throws Exception {
    receiver = ReceiverHarness.start(null, ReceiverHarness.http(64 * 1024L, null, null));
    byte[] big = logs(10_000).toByteArray();
    assertThat(big.length).isGreaterThan(64 * 1024);

    // Refused on its Content-Length, yet answered as OTLP: a google.rpc.Status in the request's
    // own content type, parameters included.
    HttpResponse<byte[]> plain = post("/v1/logs", PROTOBUF, null, big);
    assertThat(plain.statusCode()).isEqualTo(413);
    assertThat(plain.headers().firstValue("content-type")).contains(PROTOBUF);
    assertThat(protobufStatus(plain).getMessage()).contains("65536 bytes");
    HttpResponse<byte[]> json = post("/v1/logs", JSON + "; charset=utf-8", null, big);
    assertThat(json.statusCode()).isEqualTo(413);
    assertThat(json.headers().firstValue("content-type")).contains(JSON + "; charset=utf-8");
    assertThat(text(json)).contains("\"message\"").contains("65536 bytes");
    HttpResponse<byte[]> compressed = post("/v1/logs", PROTOBUF, "gzip", gzip(big));
    assertThat(compressed.statusCode()).isEqualTo(413);
    assertThat(protobufStatus(compressed).getMessage()).contains("65536 bytes");
    assertThat(receiver.received).isEmpty();
  }

  @Test
  void invalidSpans_areRejected_withPartialSuccess_andTheRestPassOn() throws Exception {
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .addSpans(span("good", 16, 8))
                            .addSpans(span("short trace id", 4, 8))
                            .addSpans(span("no span id", 16, 0))))
            .build();

    HttpResponse<byte[]> response = post("/v1/traces", PROTOBUF, null, request.toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(response.body());
    assertThat(answer.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
    assertThat(answer.getPartialSuccess().getErrorMessage()).contains("trace_id must be 16 bytes");
    Traces passed = (Traces) receiver.received.getFirst();
    assertThat(passed.itemCount()).isEqualTo(1);
    assertThat(receiver.counter("otelcol_receiver_refused_spans")).isEqualTo(2);
    assertThat(receiver.counter("otelcol_receiver_accepted_spans")).isEqualTo(1);
  }

  @Test
  void partialSuccess_inJson_usesCamelCaseAndStringInt64() throws Exception {
    String json =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"\",\"spanId\":\"\","
            + "\"name\":\"x\"}]}]}]}";

    HttpResponse<byte[]> response = post("/v1/traces", JSON, null, json.getBytes());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(text(response)).contains("\"partialSuccess\":{\"rejectedSpans\":\"1\"");
  }

  @Test
  void retryablePipelineFailure_is503_withRetryAfter() throws Exception {
    receiver.answerWith(
        b ->
            CompletableFuture.failedFuture(
                new RetryableException("indexer is behind", Duration.ofMillis(2500))));

    HttpResponse<byte[]> response = post("/v1/logs", PROTOBUF, null, logs(2).toByteArray());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("retry-after")).hasValue("3");
    assertThat(protobufStatus(response).getCode()).isEqualTo(14);
    assertThat(protobufStatus(response).getMessage()).isEqualTo("indexer is behind");
    assertThat(receiver.counter("otelcol_receiver_refused_log_records")).isEqualTo(2);
  }

  @Test
  void permanentPipelineFailure_is400() throws Exception {
    receiver.answerWith(b -> CompletableFuture.failedFuture(new PermanentException("forbidden")));

    HttpResponse<byte[]> response =
        post(
            "/v1/logs",
            JSON,
            null,
            "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{}]}]}]}".getBytes());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(text(response)).isEqualTo("{\"code\":3,\"message\":\"forbidden\"}");
  }

  @Test
  void clientIsAnsweredOnlyWhenThePipelineCompletes() throws Exception {
    CompletableFuture<Void> durable = new CompletableFuture<>();
    receiver.answerWith(b -> durable);

    CompletableFuture<HttpResponse<byte[]>> response =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create(receiver.httpUrl("/v1/logs")))
                .header("Content-Type", PROTOBUF)
                .POST(HttpRequest.BodyPublishers.ofByteArray(logs(1).toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    org.awaitility.Awaitility.await().until(() -> !receiver.received.isEmpty());
    Thread.sleep(200);
    assertThat(response).isNotDone();
    durable.complete(null);
    assertThat(response.get().statusCode()).isEqualTo(200);
  }

  @Test
  void signalWithoutPipeline_is404_andGetIs405() throws Exception {
    receiver =
        ReceiverHarness.start(
            null, ReceiverHarness.http(null, null, null), EnumSet.of(Signal.LOGS));

    assertThat(post("/v1/traces", PROTOBUF, null, new byte[0]).statusCode()).isEqualTo(404);
    HttpResponse<String> get =
        client.send(
            HttpRequest.newBuilder(URI.create(receiver.httpUrl("/v1/logs"))).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
  }

  @Test
  void bearerToken_isRequired_whenConfigured() throws Exception {
    receiver =
        ReceiverHarness.start(
            null,
            ReceiverHarness.http(null, new AuthSettings(List.of("s3cret", "other"), null), null));
    byte[] body = logs(1).toByteArray();

    assertThat(post("/v1/logs", PROTOBUF, null, body).statusCode()).isEqualTo(401);
    HttpResponse<byte[]> wrong =
        client.send(
            HttpRequest.newBuilder(URI.create(receiver.httpUrl("/v1/logs")))
                .header("Content-Type", PROTOBUF)
                .header("Authorization", "Bearer nope")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(protobufStatus(wrong).getCode()).isEqualTo(16);

    HttpResponse<byte[]> right =
        client.send(
            HttpRequest.newBuilder(URI.create(receiver.httpUrl("/v1/logs")))
                .header("Content-Type", PROTOBUF)
                .header("Authorization", "Bearer other")
                .header("X-Tenant", "acme")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(right.statusCode()).isEqualTo(200);
    var context = receiver.received.getFirst().context();
    assertThat(context.principal()).hasValue("token-2");
    assertThat(context.headers()).containsEntry("x-tenant", List.of("acme"));
    assertThat(context.headers()).doesNotContainKey("authorization");
    assertThat(context.clientAddress()).isPresent();
  }

  @Test
  void corsPreflight_isAnswered_forAllowedOrigins() throws Exception {
    receiver =
        ReceiverHarness.start(
            null,
            ReceiverHarness.http(
                null, null, new CorsSettings(List.of("https://app.example.com"), null, 600)));

    HttpResponse<String> preflight =
        client.send(
            HttpRequest.newBuilder(URI.create(receiver.httpUrl("/v1/traces")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://app.example.com");
    assertThat(preflight.headers().firstValue("access-control-max-age")).hasValue("600");
  }

  private static Span span(String name, int traceIdBytes, int spanIdBytes) {
    return Span.newBuilder()
        .setName(name)
        .setTraceId(ByteString.copyFrom(filled(traceIdBytes)))
        .setSpanId(ByteString.copyFrom(filled(spanIdBytes)))
        .build();
  }

  private static byte[] filled(int length) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, (byte) 7);
    return bytes;
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(data);
    }
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] data, boolean raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream deflate =
        new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
      deflate.write(data);
    }
    return out.toByteArray();
  }
}
