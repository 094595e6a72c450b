package dev.spyglass.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import dev.spyglass.storage.SpanKinds;
import dev.spyglass.storage.StoredSpan;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trace in the Jaeger query service's JSON model ({@code traceID}, {@code spans} with {@code
 * operationName}, {@code references}, {@code startTime} and {@code duration} in µs, typed {@code
 * tags}, {@code logs}, {@code processID}; a {@code processes} map), as Grafana's Jaeger data source
 * and the Jaeger UI read it. OTel's kind, status and scope become the tags Jaeger's own OTLP
 * ingestion writes ({@code span.kind}, {@code error}, {@code otel.status_code}, {@code
 * otel.scope.name}).
 */
final class JaegerJson {
  private static final HexFormat HEX = HexFormat.of();

  private JaegerJson() {}

  static void trace(JsonGenerator json, String traceId, List<StoredSpan> spans) throws IOException {
    Map<Resource, String> processes = new LinkedHashMap<>();
    for (StoredSpan span : spans) {
      processes.computeIfAbsent(span.origin().resource(), r -> "p" + (processes.size() + 1));
    }
    json.writeStartObject();
    json.writeStringField("traceID", traceId);
    json.writeArrayFieldStart("spans");
    for (StoredSpan span : spans) {
      span(json, span.span(), span.origin().scope(), processes.get(span.origin().resource()));
    }
    json.writeEndArray();
    json.writeObjectFieldStart("processes");
    for (Map.Entry<Resource, String> process : processes.entrySet()) {
      json.writeObjectFieldStart(process.getValue());
      json.writeStringField("serviceName", serviceName(process.getKey()));
      json.writeArrayFieldStart("tags");
      for (KeyValue attribute : process.getKey().getAttributesList()) {
        if (!attribute.getKey().equals("service.name")) {
          tag(json, attribute.getKey(), attribute.getValue());
        }
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    json.writeEndObject();
    json.writeNullField("warnings");
    json.writeEndObject();
  }

  static String serviceName(Resource resource) {
    for (KeyValue attribute : resource.getAttributesList()) {
      if (attribute.getKey().equals("service.name")
          && !attribute.getValue().getStringValue().isEmpty()) {
        return attribute.getValue().getStringValue();
      }
    }
    return "unknown_service";
  }

  private static void span(
      JsonGenerator json, Span span, InstrumentationScope scope, String process)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("traceID", hex(span.getTraceId()));
    json.writeStringField("spanID", hex(span.getSpanId()));
    json.writeNumberField("flags", 1);
    json.writeStringField("operationName", span.getName());
    json.writeArrayFieldStart("references");
    if (!span.getParentSpanId().isEmpty()) {
      reference(json, "CHILD_OF", span.getTraceId(), span.getParentSpanId());
    }
    for (Span.Link link : span.getLinksList()) {
      reference(json, "FOLLOWS_FROM", link.getTraceId(), link.getSpanId());
    }
    json.writeEndArray();
    json.writeNumberField("startTime", span.getStartTimeUnixNano() / 1000);
    json.writeNumberField(
        "duration", Math.max(0, span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1000);
    json.writeArrayFieldStart("tags");
    for (KeyValue attribute : span.getAttributesList()) {
      tag(json, attribute.getKey(), attribute.getValue());
    }
    String kind = SpanKinds.name(span.getKind());
    if (!kind.equals("unspecified") && !kind.equals("internal")) {
      stringTag(json, "span.kind", kind);
    }
    switch (span.getStatus().getCode()) {
      case STATUS_CODE_ERROR -> {
        json.writeStartObject();
        json.writeStringField("key", "error");
        json.writeStringField("type", "bool");
        json.writeBooleanField("value", true);
        json.writeEndObject();
        stringTag(json, "otel.status_code", "ERROR");
      }
      case STATUS_CODE_OK -> stringTag(json, "otel.status_code", "OK");
      default -> {}
    }
    if (!span.getStatus().getMessage().isEmpty()) {
      stringTag(json, "otel.status_description", span.getStatus().getMessage());
    }
    if (!scope.getName().isEmpty()) {
      stringTag(json, "otel.scope.name", scope.getName());
    }
    if (!scope.getVersion().isEmpty()) {
      stringTag(json, "otel.scope.version", scope.getVersion());
    }
    json.writeEndArray();
    json.writeArrayFieldStart("logs");
    for (Span.Event event : span.getEventsList()) {
      json.writeStartObject();
      json.writeNumberField("timestamp", event.getTimeUnixNano() / 1000);
      json.writeArrayFieldStart("fields");
      stringTag(json, "event", event.getName());
      for (KeyValue attribute : event.getAttributesList()) {
        tag(json, attribute.getKey(), attribute.getValue());
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeStringField("processID", process);
    json.writeNullField("warnings");
    json.writeEndObject();
  }

  private static void reference(JsonGenerator json, String type, ByteString trace, ByteString span)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("refType", type);
    json.writeStringField("traceID", hex(trace));
    json.writeStringField("spanID", hex(span));
    json.writeEndObject();
  }

  private static void stringTag(JsonGenerator json, String key, String value) throws IOException {
    json.writeStartObject();
    json.writeStringField("key", key);
    json.writeStringField("type", "string");
    json.writeStringField("value", value);
    json.writeEndObject();
  }

  private static void tag(JsonGenerator json, String key, AnyValue value) throws IOException {
    json.writeStartObject();
    json.writeStringField("key", key);
    switch (value.getValueCase()) {
      case BOOL_VALUE -> {
        json.writeStringField("type", "bool");
        json.writeBooleanField("value", value.getBoolValue());
      }
      case INT_VALUE -> {
        json.writeStringField("type", "int64");
        json.writeNumberField("value", value.getIntValue());
      }
      case DOUBLE_VALUE -> {
        json.writeStringField("type", "float64");
        json.writeNumberField("value", value.getDoubleValue());
      }
      case BYTES_VALUE -> {
        json.writeStringField("type", "binary");
        json.writeStringField(
            "value", Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
      }
      case STRING_VALUE -> {
        json.writeStringField("type", "string");
        json.writeStringField("value", value.getStringValue());
      }
      default -> {
        // Arrays and maps: Jaeger's model has no such type; their JSON text, as Jaeger's OTLP
        // translator writes it.
        java.io.StringWriter text = new java.io.StringWriter();
        try (JsonGenerator nested = SearchApi.JSON.createGenerator(text)) {
          RecordJson.value(nested, value);
        }
        json.writeStringField("type", "string");
        json.writeStringField("value", text.toString());
      }
    }
    json.writeEndObject();
  }

  private static String hex(ByteString id) {
    return HEX.formatHex(id.toByteArray());
  }
}
