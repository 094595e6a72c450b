package dev.spyglass.processor.filter;

import com.google.protobuf.ByteString;
import dev.spyglass.processor.RecordView;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/** A value a condition reads from a record; null when the record has none. */
record Path(String name, Function<RecordView, Object> reader) {
  static final List<String> FIELDS =
      List.of(
          "name",
          "body",
          "severity_number",
          "severity_text",
          "event_name",
          "kind",
          "status.code",
          "status.message",
          "duration",
          "trace_id",
          "span_id",
          "parent_span_id",
          "metric.name",
          "metric.type",
          "value",
          "instrumentation_scope.name",
          "instrumentation_scope.version",
          "attributes[\"key\"]",
          "resource.attributes[\"key\"]");

  Object get(RecordView record) {
    return reader.apply(record);
  }

  static Path attribute(boolean resource, String key) {
    String name = (resource ? "resource.attributes" : "attributes") + "[\"" + key + "\"]";
    return new Path(
        name,
        record ->
            value(resource ? record.resource().getAttributesList() : record.attributes(), key));
  }

  /** A named field, or null when there is no such field. */
  static Path field(String name) {
    Function<RecordView, Object> reader =
        switch (name) {
          case "name" -> record -> record.record() instanceof LogRecord ? null : record.name();
          case "metric.name" ->
              record ->
                  record.signal() == dev.spyglass.pipeline.Signal.METRICS ? record.name() : null;
          case "metric.type" -> record -> metricType(record.record());
          case "body" ->
              record -> record.record() instanceof LogRecord log ? plain(log.getBody()) : null;
          case "severity_number" ->
              record ->
                  record.record() instanceof LogRecord log
                      ? (Object) (long) log.getSeverityNumberValue()
                      : null;
          case "severity_text" ->
              record -> record.record() instanceof LogRecord log ? log.getSeverityText() : null;
          case "event_name" ->
              record -> record.record() instanceof LogRecord log ? log.getEventName() : null;
          case "kind" ->
              record ->
                  record.record() instanceof Span span ? (Object) (long) span.getKindValue() : null;
          case "status.code" ->
              record ->
                  record.record() instanceof Span span
                      ? (Object) (long) span.getStatus().getCodeValue()
                      : null;
          case "status.message" ->
              record -> record.record() instanceof Span span ? span.getStatus().getMessage() : null;
          case "duration" ->
              record ->
                  record.record() instanceof Span span
                      ? (Object) (span.getEndTimeUnixNano() - span.getStartTimeUnixNano())
                      : null;
          case "trace_id" -> record -> hex(record.traceId());
          case "span_id" ->
              record ->
                  switch (record.record()) {
                    case Span span -> hex(span.getSpanId());
                    case LogRecord log -> hex(log.getSpanId());
                    default -> null;
                  };
          case "parent_span_id" ->
              record -> record.record() instanceof Span span ? hex(span.getParentSpanId()) : null;
          case "value" ->
              record ->
                  record.record() instanceof NumberDataPoint point
                      ? (Object)
                          (point.hasAsInt() ? (double) point.getAsInt() : point.getAsDouble())
                      : null;
          case "instrumentation_scope.name" -> record -> record.scope().getName();
          case "instrumentation_scope.version" -> record -> record.scope().getVersion();
          default -> null;
        };
    return reader == null ? null : new Path(name, reader);
  }

  private static Object value(List<KeyValue> attributes, String key) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals(key)) {
        return plain(attribute.getValue());
      }
    }
    return null;
  }

  /** An attribute or body as a comparable Java value: String, Long, Double or Boolean. */
  static Object plain(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> value.getIntValue();
      case DOUBLE_VALUE -> value.getDoubleValue();
      case BOOL_VALUE -> value.getBoolValue();
      case VALUE_NOT_SET -> null;
      default -> value.toString();
    };
  }

  private static String hex(ByteString id) {
    return id.isEmpty() ? null : HexFormat.of().formatHex(id.toByteArray());
  }

  private static String metricType(Object point) {
    return switch (point) {
      case NumberDataPoint p -> "number";
      case io.opentelemetry.proto.metrics.v1.HistogramDataPoint p -> "histogram";
      case io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint p ->
          "exponential_histogram";
      case io.opentelemetry.proto.metrics.v1.SummaryDataPoint p -> "summary";
      default -> null;
    };
  }
}
