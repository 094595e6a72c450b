package dev.spyglass.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The OTLP/JSON examples of the opentelemetry-proto repository decode to exactly what they say. */
class OtlpExamplesTest {

  private static byte[] example(String name) throws Exception {
    try (InputStream in = OtlpExamplesTest.class.getResourceAsStream("/otlp-examples/" + name)) {
      return in.readAllBytes();
    }
  }

  private static ByteString hex(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  private static Map<String, AnyValue> attributes(List<KeyValue> attributes) {
    return attributes.stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
  }

  @Test
  void traceJson() throws Exception {
    ExportTraceServiceRequest request = OtlpSignal.TRACES.parseJson(example("trace.json"));

    var resource = request.getResourceSpans(0);
    assertThat(
            attributes(resource.getResource().getAttributesList())
                .get("service.name")
                .getStringValue())
        .isEqualTo("my.service");
    var scope = resource.getScopeSpans(0);
    assertThat(scope.getScope().getName()).isEqualTo("my.library");
    assertThat(scope.getScope().getVersion()).isEqualTo("1.0.0");
    Span span = scope.getSpans(0);
    assertThat(span.getTraceId()).isEqualTo(hex("5b8efff798038103d269b633813fc60c"));
    assertThat(span.getSpanId()).isEqualTo(hex("eee19b7ec3c1b174"));
    assertThat(span.getParentSpanId()).isEqualTo(hex("eee19b7ec3c1b173"));
    assertThat(span.getName()).isEqualTo("I'm a server span");
    assertThat(span.getStartTimeUnixNano()).isEqualTo(1544712660000000000L);
    assertThat(span.getEndTimeUnixNano()).isEqualTo(1544712661000000000L);
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(attributes(span.getAttributesList()).get("my.span.attr").getStringValue())
        .isEqualTo("some value");
    assertThat(Validated.traces(request).rejected()).isZero();
  }

  @Test
  void logsJson() throws Exception {
    ExportLogsServiceRequest request = OtlpSignal.LOGS.parseJson(example("logs.json"));

    LogRecord record = request.getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    assertThat(record.getTimeUnixNano()).isEqualTo(1544712660300000000L);
    assertThat(record.getObservedTimeUnixNano()).isEqualTo(1544712660300000000L);
    assertThat(record.getSeverityNumber()).isEqualTo(SeverityNumber.SEVERITY_NUMBER_INFO2);
    assertThat(record.getSeverityText()).isEqualTo("Information");
    assertThat(record.getTraceId()).isEqualTo(hex("5b8efff798038103d269b633813fc60c"));
    assertThat(record.getSpanId()).isEqualTo(hex("eee19b7ec3c1b174"));
    assertThat(record.getBody().getStringValue()).isEqualTo("Example log record");
    Map<String, AnyValue> attributes = attributes(record.getAttributesList());
    assertThat(attributes.get("string.attribute").getStringValue()).isEqualTo("some string");
    assertThat(attributes.get("boolean.attribute").getBoolValue()).isTrue();
    assertThat(attributes.get("int.attribute").getIntValue()).isEqualTo(10);
    assertThat(attributes.get("double.attribute").getDoubleValue()).isEqualTo(637.704);
    assertThat(attributes.get("array.attribute").getArrayValue().getValuesList())
        .extracting(AnyValue::getStringValue)
        .containsExactly("many", "values");
    assertThat(attributes.get("map.attribute").getKvlistValue().getValuesList()).isNotEmpty();
  }

  @Test
  void eventsJson() throws Exception {
    ExportLogsServiceRequest request = OtlpSignal.LOGS.parseJson(example("events.json"));

    LogRecord record = request.getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    assertThat(record.getEventName()).isEqualTo("browser.page_view");
  }

  @Test
  void metricsJson() throws Exception {
    ExportMetricsServiceRequest request = OtlpSignal.METRICS.parseJson(example("metrics.json"));

    Map<String, Metric> metrics =
        request.getResourceMetrics(0).getScopeMetrics(0).getMetricsList().stream()
            .collect(Collectors.toMap(Metric::getName, m -> m));
    Metric counter = metrics.get("my.counter");
    assertThat(counter.getDescription()).isEqualTo("I am a Counter");
    assertThat(counter.getSum().getDataPoints(0).getAsDouble()).isEqualTo(5.0);
    assertThat(counter.getSum().getDataPoints(0).getStartTimeUnixNano())
        .isEqualTo(1544712660300000000L);
    assertThat(counter.getSum().getIsMonotonic()).isTrue();
    var histogram =
        metrics.values().stream().filter(Metric::hasHistogram).findFirst().orElseThrow();
    assertThat(histogram.getHistogram().getDataPoints(0).getCount()).isEqualTo(2);
    assertThat(histogram.getHistogram().getDataPoints(0).getBucketCountsList())
        .containsExactly(1L, 1L);
    var exponential =
        metrics.values().stream().filter(Metric::hasExponentialHistogram).findFirst().orElseThrow();
    assertThat(exponential.getExponentialHistogram().getDataPoints(0).getZeroCount()).isEqualTo(1);
    assertThat(
            exponential
                .getExponentialHistogram()
                .getDataPoints(0)
                .getPositive()
                .getBucketCountsList())
        .containsExactly(0L, 2L);
  }

  @Test
  void lowerCaseHex_int64AsNumbers_andUnknownFields_areAccepted() throws Exception {
    String json =
        """
        {"resourceSpans":[{"scopeSpans":[{"spans":[{
          "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
          "startTimeUnixNano":1544712660000000000,"kind":3,"someFutureField":{"x":1},
          "attributes":[{"key":"b","value":{"bytesValue":"AQID"}}]}]}]}]}
        """;

    Span span =
        OtlpSignal.TRACES
            .parseJson(json.getBytes())
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);

    assertThat(span.getTraceId()).isEqualTo(hex("5B8EFFF798038103D269B633813FC60C"));
    assertThat(span.getStartTimeUnixNano()).isEqualTo(1544712660000000000L);
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(span.getAttributes(0).getValue().getBytesValue().toByteArray())
        .containsExactly(1, 2, 3);
  }
}
