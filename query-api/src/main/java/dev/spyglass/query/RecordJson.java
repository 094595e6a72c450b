package dev.spyglass.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.spyglass.storage.SpanKinds;
import dev.spyglass.storage.StoredRecord;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Writes a stored record as the API's JSON (DESIGN §4): {@code timestamp} as RFC 3339 with ns, the
 * OTel field names, and {@code attributes}, {@code resource}, {@code scope} as objects.
 */
final class RecordJson {
  private static final HexFormat HEX = HexFormat.of();

  private RecordJson() {}

  /** The one record a stored source holds, decoded. */
  record Decoded(Resource resource, InstrumentationScope scope, Object record) {}

  static Decoded decode(StoredRecord stored) {
    try {
      return switch (stored.signal()) {
        case LOGS -> {
          ResourceLogs r = ExportLogsServiceRequest.parseFrom(stored.source()).getResourceLogs(0);
          yield new Decoded(
              r.getResource(), r.getScopeLogs(0).getScope(), r.getScopeLogs(0).getLogRecords(0));
        }
        case TRACES -> {
          ResourceSpans r =
              ExportTraceServiceRequest.parseFrom(stored.source()).getResourceSpans(0);
          yield new Decoded(
              r.getResource(), r.getScopeSpans(0).getScope(), r.getScopeSpans(0).getSpans(0));
        }
        case METRICS -> {
          ResourceMetrics r =
              ExportMetricsServiceRequest.parseFrom(stored.source()).getResourceMetrics(0);
          yield new Decoded(
              r.getResource(), r.getScopeMetrics(0).getScope(), r.getScopeMetrics(0).getMetrics(0));
        }
      };
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored record does not decode", e);
    }
  }

  /** Writes {@code stored} as one JSON object; {@code extra} adds fields (e.g. a highlight). */
  static void write(JsonGenerator json, StoredRecord stored, FieldWriter extra) throws IOException {
    Decoded decoded = decode(stored);
    json.writeStartObject();
    json.writeStringField("timestamp", Times.format(stored.timestampNanos()));
    String service = serviceName(decoded.resource());
    if (!service.isEmpty()) {
      json.writeStringField("service.name", service);
    }
    switch (decoded.record()) {
      case LogRecord log -> log(json, log);
      case Span span -> span(json, span);
      case Metric metric -> metric(json, metric);
      default -> throw new IllegalStateException("unknown record " + decoded.record().getClass());
    }
    json.writeFieldName("resource");
    attributes(json, decoded.resource().getAttributesList());
    json.writeObjectFieldStart("scope");
    json.writeStringField("name", decoded.scope().getName());
    if (!decoded.scope().getVersion().isEmpty()) {
      json.writeStringField("version", decoded.scope().getVersion());
    }
    if (decoded.scope().getAttributesCount() > 0) {
      json.writeFieldName("attributes");
      attributes(json, decoded.scope().getAttributesList());
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

  static String serviceName(Resource resource) {
    for (KeyValue attribute : resource.getAttributesList()) {
      if (attribute.getKey().equals("service.name")) {
        return attribute.getValue().getStringValue();
      }
    }
    return "";
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
    json.writeStringField("code", status(span.getStatus().getCode()));
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

  static String status(io.opentelemetry.proto.trace.v1.Status.StatusCode code) {
    return code.name().replace("STATUS_CODE_", "").toLowerCase(Locale.ROOT);
  }
}
