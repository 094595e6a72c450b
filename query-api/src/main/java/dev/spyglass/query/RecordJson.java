package dev.spyglass.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import dev.spyglass.storage.SpanKinds;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredPoint;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.StoredSpan;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes a stored record as the API's JSON (DESIGN §4): {@code timestamp} as RFC 3339 with ns, the
 * OTel field names, and {@code attributes}, {@code resource}, {@code scope} as objects.
 */
final class RecordJson {
  private static final HexFormat HEX = HexFormat.of();

  private RecordJson() {}

  /** Writes {@code stored} as one JSON object; {@code extra} adds fields (e.g. a highlight). */
  static void write(JsonGenerator json, StoredRecord stored, FieldWriter extra) throws IOException {
    json.writeStartObject();
    json.writeStringField("timestamp", Times.format(stored.timestampNanos()));
    String service = stored.origin().serviceName();
    if (!service.isEmpty()) {
      json.writeStringField("service.name", service);
    }
    switch (stored) {
      case StoredLog log -> {
        log(json, log.log());
        if (!log.pattern().isNone()) {
          json.writeStringField("pattern.id", log.pattern().id());
          json.writeStringField("pattern.template", log.pattern().template());
        }
      }
      case StoredSpan span -> span(json, span.span());
      case StoredPoint point -> metric(json, point.metric());
    }
    json.writeFieldName("resource");
    attributes(json, stored.origin().resource().getAttributesList());
    InstrumentationScope scope = stored.origin().scope();
    json.writeObjectFieldStart("scope");
    json.writeStringField("name", scope.getName());
    if (!scope.getVersion().isEmpty()) {
      json.writeStringField("version", scope.getVersion());
    }
    if (scope.getAttributesCount() > 0) {
      json.writeFieldName("attributes");
      attributes(json, scope.getAttributesList());
    }
    json.writeEndObject();
    extra.write(json);
    json.writeEndObject();
  }

  /** Adds fields to a record's object. */
  @FunctionalInterface
  interface FieldWriter {
    FieldWriter NONE = json -> {};

    void write(JsonGenerator json) throws IOException;
  }

  private static void log(JsonGenerator json, LogRecord log) throws IOException {
    if (log.getObservedTimeUnixNano() != 0) {
      json.writeStringField("observed_timestamp", Times.format(log.getObservedTimeUnixNano()));
    }
    json.writeNumberField("severity_number", log.getSeverityNumberValue());
    json.writeStringField("severity_text", log.getSeverityText());
    json.writeFieldName("body");
    value(json, log.getBody());
    id(json, "trace_id", log.getTraceId());
    id(json, "span_id", log.getSpanId());
    if (!log.getEventName().isEmpty()) {
      json.writeStringField("event_name", log.getEventName());
    }
    json.writeFieldName("attributes");
    attributes(json, log.getAttributesList());
  }

  private static void span(JsonGenerator json, Span span) throws IOException {
    id(json, "trace_id", span.getTraceId());
    id(json, "span_id", span.getSpanId());
    id(json, "parent_span_id", span.getParentSpanId());
    json.writeStringField("name", span.getName());
    json.writeStringField("kind", SpanKinds.name(span.getKind()));
    json.writeStringField("end_timestamp", Times.format(span.getEndTimeUnixNano()));
    json.writeNumberField(
        "duration", Math.max(0, span.getEndTimeUnixNano() - span.getStartTimeUnixNano()));
    json.writeObjectFieldStart("status");
    json.writeStringField("code", SpanKinds.status(span.getStatus().getCode()));
    if (!span.getStatus().getMessage().isEmpty()) {
      json.writeStringField("message", span.getStatus().getMessage());
    }
    json.writeEndObject();
    json.writeFieldName("attributes");
    attributes(json, span.getAttributesList());
    json.writeArrayFieldStart("events");
    for (Span.Event event : span.getEventsList()) {
      json.writeStartObject();
      json.writeStringField("timestamp", Times.format(event.getTimeUnixNano()));
      json.writeStringField("name", event.getName());
      json.writeFieldName("attributes");
      attributes(json, event.getAttributesList());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("links");
    for (Span.Link link : span.getLinksList()) {
      json.writeStartObject();
      id(json, "trace_id", link.getTraceId());
      id(json, "span_id", link.getSpanId());
      json.writeFieldName("attributes");
      attributes(json, link.getAttributesList());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static void metric(JsonGenerator json, Metric metric) throws IOException {
    json.writeStringField("metric.name", metric.getName());
    json.writeStringField("metric.unit", metric.getUnit());
    List<KeyValue> attributes = List.of();
    switch (metric.getDataCase()) {
      case GAUGE, SUM -> {
        NumberDataPoint point =
            metric.hasGauge()
                ? metric.getGauge().getDataPoints(0)
                : metric.getSum().getDataPoints(0);
        json.writeStringField("metric.type", metric.hasGauge() ? "gauge" : "sum");
        if (metric.hasSum()) {
          json.writeBooleanField("is_monotonic", metric.getSum().getIsMonotonic());
        }
        if (point.hasAsInt()) {
          json.writeNumberField("value", point.getAsInt());
        } else {
          number(json, "value", point.getAsDouble());
        }
        attributes = point.getAttributesList();
      }
      case HISTOGRAM -> {
        var point = metric.getHistogram().getDataPoints(0);
        json.writeStringField("metric.type", "histogram");
        json.writeNumberField("count", point.getCount());
        number(json, "sum", point.getSum());
        json.writeArrayFieldStart("bucket_counts");
        for (long count : point.getBucketCountsList()) {
          json.writeNumber(count);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("explicit_bounds");
        for (double bound : point.getExplicitBoundsList()) {
          json.writeNumber(bound);
        }
        json.writeEndArray();
        attributes = point.getAttributesList();
      }
      case EXPONENTIAL_HISTOGRAM -> {
        var point = metric.getExponentialHistogram().getDataPoints(0);
        json.writeStringField("metric.type", "exponential_histogram");
        json.writeNumberField("count", point.getCount());
        number(json, "sum", point.getSum());
        json.writeNumberField("scale", point.getScale());
        attributes = point.getAttributesList();
      }
      case SUMMARY -> {
        var point = metric.getSummary().getDataPoints(0);
        json.writeStringField("metric.type", "summary");
        json.writeNumberField("count", point.getCount());
        number(json, "sum", point.getSum());
        attributes = point.getAttributesList();
      }
      case DATA_NOT_SET -> json.writeStringField("metric.type", "empty");
    }
    json.writeFieldName("attributes");
    attributes(json, attributes);
  }

  static void attributes(JsonGenerator json, List<KeyValue> attributes) throws IOException {
    json.writeStartObject();
    for (KeyValue attribute : attributes) {
      json.writeFieldName(attribute.getKey());
      value(json, attribute.getValue());
    }
    json.writeEndObject();
  }

  static void value(JsonGenerator json, AnyValue value) throws IOException {
    switch (value.getValueCase()) {
      case STRING_VALUE -> json.writeString(value.getStringValue());
      case BOOL_VALUE -> json.writeBoolean(value.getBoolValue());
      case INT_VALUE -> json.writeNumber(value.getIntValue());
      case DOUBLE_VALUE -> {
        double d = value.getDoubleValue();
        if (Double.isFinite(d)) {
          json.writeNumber(d);
        } else {
          json.writeString(Double.toString(d));
        }
      }
      case ARRAY_VALUE -> {
        json.writeStartArray();
        for (AnyValue element : value.getArrayValue().getValuesList()) {
          value(json, element);
        }
        json.writeEndArray();
      }
      case KVLIST_VALUE -> attributes(json, value.getKvlistValue().getValuesList());
      case BYTES_VALUE ->
          json.writeString(Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
      default -> json.writeNull();
    }
  }

  private static void number(JsonGenerator json, String name, double value) throws IOException {
    if (Double.isFinite(value)) {
      json.writeNumberField(name, value);
    } else {
      json.writeStringField(name, Double.toString(value));
    }
  }

  private static void id(JsonGenerator json, String name, ByteString id) throws IOException {
    if (!id.isEmpty()) {
      json.writeStringField(name, HEX.formatHex(id.toByteArray()));
    }
  }
}
