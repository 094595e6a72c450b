package dev.spyglass.storage;

import com.google.protobuf.ByteString;
import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Traces;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.List;

/** Builders for OTLP test data. */
public final class Otlp {
  public static final long DAY = 86_400_000_000_000L;
  public static final long T0 = 1_763_700_000_000_000_000L; // 2025-11-21

  private Otlp() {}

  public static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  public static KeyValue attribute(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  public static Resource service(String name) {
    return Resource.newBuilder()
        .addAttributes(attribute("service.name", name))
        .addAttributes(attribute("host.name", "node-1"))
        .build();
  }

  public static LogRecord log(
      long time, SeverityNumber severity, String body, KeyValue... attributes) {
    return LogRecord.newBuilder()
        .setTimeUnixNano(time)
        .setObservedTimeUnixNano(time + 1000)
        .setSeverityNumber(severity)
        .setSeverityText(severity.name().replace("SEVERITY_NUMBER_", ""))
        .setBody(AnyValue.newBuilder().setStringValue(body))
        .addAllAttributes(List.of(attributes))
        .build();
  }

  public static Logs logs(String service, LogRecord... records) {
    return Logs.of(
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(service(service))
                    .addScopeLogs(
                        ScopeLogs.newBuilder()
                            .setScope(
                                InstrumentationScope.newBuilder()
                                    .setName("io.test")
                                    .setVersion("1.0"))
                            .addAllLogRecords(List.of(records))))
            .build(),
        RequestContext.EMPTY);
  }

  public static ByteString id(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  public static Span span(
      String traceId,
      String spanId,
      String name,
      long start,
      long durationNanos,
      Span.SpanKind kind,
      boolean error) {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(id(traceId))
            .setSpanId(id(spanId))
            .setName(name)
            .setKind(kind)
            .setStartTimeUnixNano(start)
            .setEndTimeUnixNano(start + durationNanos)
            .addAttributes(attribute("http.response.status_code", error ? 500 : 200));
    if (error) {
      span.setStatus(
          io.opentelemetry.proto.trace.v1.Status.newBuilder()
              .setCode(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR));
    }
    return span.build();
  }

  public static Traces traces(String service, Span... spans) {
    return Traces.of(
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(service(service))
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .setScope(InstrumentationScope.newBuilder().setName("io.test"))
                            .addAllSpans(List.of(spans))))
            .build(),
        RequestContext.EMPTY);
  }

  public static Metrics gauge(String service, String name, long time, double... values) {
    Gauge.Builder gauge = Gauge.newBuilder();
    for (int i = 0; i < values.length; i++) {
      gauge.addDataPoints(
          NumberDataPoint.newBuilder()
              .setTimeUnixNano(time + i)
              .setAsDouble(values[i])
              .addAttributes(attribute("cpu", Integer.toString(i))));
    }
    return Metrics.of(
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(service(service))
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                Metric.newBuilder().setName(name).setUnit("1").setGauge(gauge))))
            .build(),
        RequestContext.EMPTY);
  }
}
