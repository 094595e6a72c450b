package dev.spyglass.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.Traces;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OpenTelemetry JS SDK ({@code interop/js/send.mjs}, run with Node) sends traces, logs and
 * metrics over OTLP/HTTP JSON, OTLP/HTTP protobuf and OTLP/gRPC; what arrives is what it says it
 * sent. {@code ./spyglass test} runs {@code npm ci} in {@code interop/js} first.
 */
class JsSdkInteropTest {
  private static final Path CLIENT = Path.of("..", "interop", "js").toAbsolutePath().normalize();
  private static ReceiverHarness receiver;

  @BeforeAll
  static void start() {
    assertThat(CLIENT.resolve("node_modules"))
        .as("the JS client's dependencies: run 'npm ci' in %s (./spyglass test does)", CLIENT)
        .isDirectory();
    receiver = ReceiverHarness.start();
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @BeforeEach
  void reset() {
    receiver.reset();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http/json", "http/protobuf", "grpc"})
  void everySignal_arrivesAsSent(String protocol) throws Exception {
    String endpoint =
        "http://127.0.0.1:" + (protocol.equals("grpc") ? receiver.grpcPort() : receiver.httpPort());
    JsonNode sent = runClient(protocol, endpoint);
    assertThat(sent.get("failures")).isEmpty();

    List<Span> spans = new ArrayList<>();
    List<LogRecord> logs = new ArrayList<>();
    Map<String, Metric> metrics = new HashMap<>();
    List<String> protocols = new ArrayList<>();
    for (Telemetry batch : receiver.received) {
      switch (batch) {
        case Traces t ->
            t.request()
                .getResourceSpansList()
                .forEach(
                    r -> {
                      protocols.add(
                          attribute(r.getResource().getAttributesList(), "interop.protocol"));
                      r.getScopeSpansList().forEach(s -> spans.addAll(s.getSpansList()));
                    });
        case Logs l ->
            l.request()
                .getResourceLogsList()
                .forEach(
                    r -> r.getScopeLogsList().forEach(s -> logs.addAll(s.getLogRecordsList())));
        case Metrics m ->
            m.request()
                .getResourceMetricsList()
                .forEach(
                    r ->
                        r.getScopeMetricsList()
                            .forEach(
                                s -> s.getMetricsList().forEach(x -> metrics.put(x.getName(), x))));
      }
    }

    assertThat(protocols).containsOnly(protocol);
    assertThat(spans).hasSize(sent.get("spans").size());
    for (JsonNode expected : sent.get("spans")) {
      Span span =
          spans.stream()
              .filter(s -> hex(s.getSpanId().toByteArray()).equals(expected.get("spanId").asText()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("span not received: " + expected));
      assertThat(hex(span.getTraceId().toByteArray())).isEqualTo(expected.get("traceId").asText());
      assertThat(hex(span.getParentSpanId().toByteArray()))
          .isEqualTo(expected.get("parentSpanId").asText());
      assertThat(span.getName()).isEqualTo(expected.get("name").asText());
      assertThat(span.getKindValue()).isEqualTo(expected.get("kind").asInt() + 1);
      assertThat(Long.toUnsignedString(span.getStartTimeUnixNano()))
          .isEqualTo(expected.get("startTimeUnixNano").asText());
      assertThat(Long.toUnsignedString(span.getEndTimeUnixNano()))
          .isEqualTo(expected.get("endTimeUnixNano").asText());
    }
    Span charge = spans.stream().filter(s -> s.getName().equals("charge card")).findFirst().get();
    assertThat(charge.getStatus().getMessage()).isEqualTo("declined");
    assertThat(charge.getEvents(0).getName()).isEqualTo("card declined");
    assertThat(attribute(charge.getAttributesList(), "payment.amount")).isEqualTo("42");

    JsonNode sentLogs = sent.get("logs");
    assertThat(logs).hasSize(sentLogs.size());
    for (int i = 0; i < sentLogs.size(); i++) {
      JsonNode expected = sentLogs.get(i);
      LogRecord record = logs.get(i);
      assertThat(record.getBody().getStringValue()).isEqualTo(expected.get("body").asText());
      assertThat(record.getSeverityNumberValue()).isEqualTo(expected.get("severityNumber").asInt());
      assertThat(record.getSeverityText()).isEqualTo(expected.get("severityText").asText());
      assertThat(Long.toUnsignedString(record.getTimeUnixNano()))
          .isEqualTo(expected.get("timeUnixNano").asText());
      assertThat(attribute(record.getAttributesList(), "order.id")).isEqualTo(Integer.toString(i));
      assertThat(attribute(record.getAttributesList(), "order.region")).isEqualTo("eu-west");
    }

    assertThat(
            metrics.get("orders.placed").getSum().getDataPointsList().stream()
                .mapToDouble(p -> p.hasAsInt() ? p.getAsInt() : p.getAsDouble())
                .sum())
        .isEqualTo(sent.get("metrics").get("orders.placed").asDouble());
    var histogram = metrics.get("checkout.duration").getHistogram().getDataPoints(0);
    assertThat(histogram.getCount())
        .isEqualTo(sent.get("metrics").get("checkout.duration").get("count").asLong());
    assertThat(histogram.getSum())
        .isEqualTo(sent.get("metrics").get("checkout.duration").get("sum").asDouble());
  }

  private static JsonNode runClient(String protocol, String endpoint) throws Exception {
    Path output = Files.createTempFile("js-interop", ".out");
    Path errors = Files.createTempFile("js-interop", ".err");
    try {
      Process node =
          new ProcessBuilder("node", "send.mjs", protocol, endpoint)
              .directory(CLIENT.toFile())
              .redirectOutput(output.toFile())
              .redirectError(errors.toFile())
              .start();
      boolean finished = node.waitFor(60, TimeUnit.SECONDS);
      if (!finished) {
        node.destroyForcibly();
      }
      String stderr = Files.readString(errors, StandardCharsets.UTF_8);
      assertThat(finished).as("node finished in 60 s; stderr: %s", stderr).isTrue();
      assertThat(node.exitValue()).as("node exit code; stderr: %s", stderr).isZero();
      return new ObjectMapper().readTree(Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      delete(output);
      delete(errors);
    }
  }

  private static void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  private static String attribute(List<KeyValue> attributes, String key) {
    return attributes.stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(
            kv ->
                switch (kv.getValue().getValueCase()) {
                  case INT_VALUE -> Long.toString(kv.getValue().getIntValue());
                  case DOUBLE_VALUE -> Double.toString(kv.getValue().getDoubleValue());
                  case BOOL_VALUE -> Boolean.toString(kv.getValue().getBoolValue());
                  default -> kv.getValue().getStringValue();
                })
        .findFirst()
        .orElse(null);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
