package dev.spyglass.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.Traces;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span.Event;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OpenTelemetry Java SDK's own OTLP exporters, with their default settings (plus gzip where
 * asked), send to a running receiver; what arrives is what the SDK sent.
 */
class JavaSdkInteropTest {
  private static final Resource RESOURCE =
      Resource.getDefault()
          .merge(
              Resource.create(
                  Attributes.of(
                      AttributeKey.stringKey("service.name"), "checkout",
                      AttributeKey.stringKey("deployment.environment.name"), "test")));
  private static ReceiverHarness receiver;

  @BeforeAll
  static void start() {
    receiver = ReceiverHarness.start();
  }

  @AfterAll
  static void stop() {
    receiver.close();
  }

  @BeforeEach
  void reset() {
    receiver.reset();
  }

  private static String endpoint(String transport) {
    return transport.equals("grpc")
        ? "http://127.0.0.1:" + receiver.grpcPort()
        : "http://127.0.0.1:" + receiver.httpPort();
  }

  @ParameterizedTest(name = "{0} compression={1}")
  @CsvSource({"grpc,none", "grpc,gzip", "http,none", "http,gzip"})
  void spans_arriveAsSent(String transport, String compression) {
    SpanExporter otlp =
        transport.equals("grpc")
            ? OtlpGrpcSpanExporter.builder()
                .setEndpoint(endpoint(transport))
                .setCompression(compression)
                .build()
            : OtlpHttpSpanExporter.builder()
                .setEndpoint(endpoint(transport) + "/v1/traces")
                .setCompression(compression)
                .build();
    InMemorySpanExporter sent = InMemorySpanExporter.create();
    List<SpanData> sentSpans;
    try (SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setResource(RESOURCE)
            .addSpanProcessor(SimpleSpanProcessor.create(sent))
            .addSpanProcessor(BatchSpanProcessor.builder(otlp).setMaxQueueSize(4096).build())
            .build()) {
      var tracer = tracing.get("interop");
      Span parent = tracer.spanBuilder("GET /cart").setSpanKind(SpanKind.SERVER).startSpan();
      try (var ignored = parent.makeCurrent()) {
        Span child =
            tracer
                .spanBuilder("SELECT cart")
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("db.system", "postgresql")
                .setAttribute("db.rows", 42L)
                .setAttribute("retry", true)
                .setAttribute("ratio", 0.25)
                .startSpan();
        child.addEvent("cache miss", Attributes.of(AttributeKey.stringKey("key"), "cart:7"));
        child.setStatus(StatusCode.ERROR, "timeout");
        child.end();
      }
      parent.end();
      assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      sentSpans = sent.getFinishedSpanItems();
    }

    List<io.opentelemetry.proto.trace.v1.Span> arrived = new ArrayList<>();
    List<String> services = new ArrayList<>();
    for (Telemetry batch : receiver.received) {
      for (var resource : ((Traces) batch).request().getResourceSpansList()) {
        for (var scope : resource.getScopeSpansList()) {
          arrived.addAll(scope.getSpansList());
          services.add(attributes(resource.getResource().getAttributesList()).get("service.name"));
        }
      }
    }
    assertThat(services).containsOnly("checkout");
    Map<String, SpanData> expected =
        sentSpans.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
    assertThat(arrived).hasSize(2);
    for (var span : arrived) {
      SpanData original = expected.get(hex(span.getSpanId().toByteArray()));
      assertThat(original).as("span %s", span.getName()).isNotNull();
      assertThat(hex(span.getTraceId().toByteArray())).isEqualTo(original.getTraceId());
      assertThat(span.getName()).isEqualTo(original.getName());
      assertThat(span.getStartTimeUnixNano()).isEqualTo(original.getStartEpochNanos());
      assertThat(span.getEndTimeUnixNano()).isEqualTo(original.getEndEpochNanos());
      assertThat(span.getKind().getNumber()).isEqualTo(original.getKind().ordinal() + 1);
      String parentId = hex(span.getParentSpanId().toByteArray());
      assertThat(parentId.isEmpty() ? "0000000000000000" : parentId)
          .isEqualTo(original.getParentSpanId());
      assertThat(attributes(span.getAttributesList()))
          .isEqualTo(stringify(original.getAttributes()));
    }
    var child =
        arrived.stream().filter(s -> s.getName().equals("SELECT cart")).findFirst().orElseThrow();
    assertThat(child.getStatus().getMessage()).isEqualTo("timeout");
    assertThat(child.getEventsList()).extracting(Event::getName).containsExactly("cache miss");
    assertThat(child.getAttributesList())
        .filteredOn(kv -> kv.getKey().equals("db.rows"))
        .singleElement()
        .satisfies(kv -> assertThat(kv.getValue().getIntValue()).isEqualTo(42));
  }

  @ParameterizedTest(name = "{0} compression={1}")
  @CsvSource({"grpc,none", "grpc,gzip", "http,none", "http,gzip"})
  void logRecords_arriveAsSent(String transport, String compression) {
    LogRecordExporter otlp =
        transport.equals("grpc")
            ? OtlpGrpcLogRecordExporter.builder()
                .setEndpoint(endpoint(transport))
                .setCompression(compression)
                .build()
            : OtlpHttpLogRecordExporter.builder()
                .setEndpoint(endpoint(transport) + "/v1/logs")
                .setCompression(compression)
                .build();
    InMemoryLogRecordExporter sent = InMemoryLogRecordExporter.create();
    List<LogRecordData> expected;
    try (SdkLoggerProvider logging =
        SdkLoggerProvider.builder()
            .setResource(RESOURCE)
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(sent))
            .addLogRecordProcessor(
                BatchLogRecordProcessor.builder(otlp).setMaxQueueSize(4096).build())
            .build()) {
      var logger = logging.get("interop");
      for (int i = 0; i < 20; i++) {
        logger
            .logRecordBuilder()
            .setSeverity(i % 2 == 0 ? Severity.INFO : Severity.ERROR)
            .setSeverityText(i % 2 == 0 ? "INFO" : "ERROR")
            .setBody("connection reset by peer #" + i)
            .setAttribute(AttributeKey.longKey("attempt"), (long) i)
            .setTimestamp(1_700_000_000_000L + i, TimeUnit.MILLISECONDS)
            .emit();
      }
      assertThat(logging.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      expected = sent.getFinishedLogRecordItems();
    }

    List<LogRecord> arrived = new ArrayList<>();
    for (Telemetry batch : receiver.received) {
      ((Logs) batch)
          .request()
          .getResourceLogsList()
          .forEach(r -> r.getScopeLogsList().forEach(s -> arrived.addAll(s.getLogRecordsList())));
    }
    assertThat(arrived).hasSize(20);
    for (int i = 0; i < 20; i++) {
      LogRecord record = arrived.get(i);
      LogRecordData original = expected.get(i);
      assertThat(record.getBody().getStringValue()).isEqualTo(original.getBodyValue().asString());
      assertThat(record.getTimeUnixNano()).isEqualTo(original.getTimestampEpochNanos());
      assertThat(record.getObservedTimeUnixNano())
          .isEqualTo(original.getObservedTimestampEpochNanos());
      assertThat(record.getSeverityNumber().getNumber())
          .isEqualTo(original.getSeverity().getSeverityNumber());
      assertThat(record.getSeverityText()).isEqualTo(original.getSeverityText());
      assertThat(attributes(record.getAttributesList()))
          .isEqualTo(stringify(original.getAttributes()));
    }
    assertThat(receiver.counter("otelcol_receiver_accepted_log_records")).isEqualTo(20);
  }

  @ParameterizedTest(name = "{0} compression={1}")
  @CsvSource({"grpc,none", "grpc,gzip", "http,none", "http,gzip"})
  void metrics_arriveAsSent(String transport, String compression) {
    MetricExporter otlp =
        transport.equals("grpc")
            ? OtlpGrpcMetricExporter.builder()
                .setEndpoint(endpoint(transport))
                .setCompression(compression)
                .build()
            : OtlpHttpMetricExporter.builder()
                .setEndpoint(endpoint(transport) + "/v1/metrics")
                .setCompression(compression)
                .build();
    try (SdkMeterProvider metering =
        SdkMeterProvider.builder()
            .setResource(RESOURCE)
            .registerMetricReader(
                PeriodicMetricReader.builder(otlp).setInterval(Duration.ofHours(1)).build())
            .build()) {
      var meter = metering.get("interop");
      var requests = meter.counterBuilder("http.server.requests").build();
      requests.add(3, Attributes.of(AttributeKey.stringKey("route"), "/cart"));
      requests.add(4, Attributes.of(AttributeKey.stringKey("route"), "/pay"));
      var latency = meter.histogramBuilder("http.server.request.duration").setUnit("s").build();
      latency.record(0.2);
      latency.record(1.5);
      meter.gaugeBuilder("queue.depth").ofLongs().buildWithCallback(g -> g.record(17));
      assertThat(metering.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    Map<String, Metric> arrived = new java.util.HashMap<>();
    for (Telemetry batch : receiver.received) {
      ((Metrics) batch)
          .request()
          .getResourceMetricsList()
          .forEach(
              r ->
                  r.getScopeMetricsList()
                      .forEach(s -> s.getMetricsList().forEach(m -> arrived.put(m.getName(), m))));
    }
    assertThat(arrived)
        .containsKeys("http.server.requests", "http.server.request.duration", "queue.depth");
    assertThat(
            arrived.get("http.server.requests").getSum().getDataPointsList().stream()
                .mapToLong(p -> p.getAsInt())
                .sum())
        .isEqualTo(7);
    var histogram = arrived.get("http.server.request.duration").getHistogram().getDataPoints(0);
    assertThat(histogram.getCount()).isEqualTo(2);
    assertThat(histogram.getSum()).isEqualTo(1.7);
    assertThat(arrived.get("queue.depth").getGauge().getDataPoints(0).getAsInt()).isEqualTo(17);
    // Closing the provider exports once more (cumulative), so count what actually arrived.
    assertThat(receiver.counter("otelcol_receiver_accepted_metric_points"))
        .isEqualTo(receiver.received.stream().mapToLong(Telemetry::itemCount).sum())
        .isGreaterThanOrEqualTo(4);
  }

  private static Map<String, String> attributes(List<KeyValue> attributes) {
    return attributes.stream()
        .collect(Collectors.toMap(KeyValue::getKey, kv -> text(kv.getValue())));
  }

  private static Map<String, String> stringify(Attributes attributes) {
    return attributes.asMap().entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().getKey(), e -> String.valueOf(e.getValue())));
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString();
    };
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
