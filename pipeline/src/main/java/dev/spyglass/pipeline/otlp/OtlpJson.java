package dev.spyglass.pipeline.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * OTLP/JSON as the specification defines it, which differs from protobuf's canonical JSON mapping:
 * trace and span ids are hex strings (either case), not base64. Everything else — lowerCamelCase
 * keys (original names accepted too), enums as integers, 64-bit integers as strings or numbers,
 * unknown fields ignored, {@code bytesValue} as base64 — is protobuf's JSON mapping, read by {@link
 * JsonFormat}.
 */
public final class OtlpJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final HexFormat HEX = HexFormat.of();

  private static final List<String> TRACE_ID = List.of("traceId", "trace_id");
  private static final List<String> SPAN_ID = List.of("spanId", "span_id");
  private static final List<String> PARENT_SPAN_ID = List.of("parentSpanId", "parent_span_id");

  private OtlpJson() {}

  /**
   * Reads {@code json} into {@code builder}.
   *
   * @throws InvalidProtocolBufferException when the body is not valid OTLP/JSON, saying why
   */
  public static <B extends Message.Builder> B read(byte[] json, B builder)
      throws InvalidProtocolBufferException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidProtocolBufferException("invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidProtocolBufferException("invalid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidProtocolBufferException("expected a JSON object");
    }
    rewriteIds(root, OtlpJson::hexToBase64);
    PARSER.merge(root.toString(), builder);
    return builder;
  }

  /**
   * The message as OTLP/JSON: protobuf's JSON mapping with lowerCamelCase keys, and trace and span
   * ids as lower-case hex.
   */
  public static String write(MessageOrBuilder message) {
    String json;
    try {
      json = PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
    if (!json.contains("Id\"")) {
      return json;
    }
    try {
      JsonNode root = MAPPER.readTree(json);
      rewriteIds(root, OtlpJson::base64ToHex);
      return MAPPER.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot rewrite ids of " + message.getClass().getSimpleName(), e);
    }
  }

  /** Rewrites one id value; throws when it is not a valid id. */
  @FunctionalInterface
  private interface IdRewrite {
    String apply(String name, String value, int length) throws InvalidProtocolBufferException;
  }

  /** Rewrites ids wherever OTLP puts them: spans, links, log records, exemplars. */
  private static void rewriteIds(JsonNode root, IdRewrite rewrite)
      throws InvalidProtocolBufferException {
    for (JsonNode resource : array(root, "resourceSpans", "resource_spans")) {
      for (JsonNode scope : array(resource, "scopeSpans", "scope_spans")) {
        for (JsonNode span : array(scope, "spans")) {
          rewrite(span, TRACE_ID, 16, rewrite);
          rewrite(span, SPAN_ID, 8, rewrite);
          rewrite(span, PARENT_SPAN_ID, 8, rewrite);
          for (JsonNode link : array(span, "links")) {
            rewrite(link, TRACE_ID, 16, rewrite);
            rewrite(link, SPAN_ID, 8, rewrite);
          }
        }
      }
    }
    for (JsonNode resource : array(root, "resourceLogs", "resource_logs")) {
      for (JsonNode scope : array(resource, "scopeLogs", "scope_logs")) {
        for (JsonNode record : array(scope, "logRecords", "log_records")) {
          rewrite(record, TRACE_ID, 16, rewrite);
          rewrite(record, SPAN_ID, 8, rewrite);
        }
      }
    }
    for (JsonNode resource : array(root, "resourceMetrics", "resource_metrics")) {
      for (JsonNode scope : array(resource, "scopeMetrics", "scope_metrics")) {
        for (JsonNode metric : array(scope, "metrics")) {
          for (String type :
              List.of(
                  "gauge", "sum", "histogram", "exponentialHistogram", "exponential_histogram")) {
            JsonNode data = metric.get(type);
            if (data == null) {
              continue;
            }
            for (JsonNode point : array(data, "dataPoints", "data_points")) {
              for (JsonNode exemplar : array(point, "exemplars")) {
                rewrite(exemplar, TRACE_ID, 16, rewrite);
                rewrite(exemplar, SPAN_ID, 8, rewrite);
              }
            }
          }
        }
      }
    }
  }

  private static void rewrite(JsonNode node, List<String> names, int length, IdRewrite rewrite)
      throws InvalidProtocolBufferException {
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    for (String name : names) {
      JsonNode value = object.get(name);
      if (value == null || value.isNull()) {
        continue;
      }
      if (!value.isTextual()) {
        throw new InvalidProtocolBufferException(
            name + " must be a hex string, got " + value.getNodeType().name().toLowerCase());
      }
      if (!value.asText().isEmpty()) {
        object.set(name, TextNode.valueOf(rewrite.apply(name, value.asText(), length)));
      }
    }
  }

  private static String hexToBase64(String name, String hex, int length)
      throws InvalidProtocolBufferException {
    if (hex.length() != length * 2) {
      throw new InvalidProtocolBufferException(
          name
              + " must be "
              + length * 2
              + " hex digits ("
              + length
              + " bytes), got '"
              + abbreviate(hex)
              + "'");
    }
    try {
      return Base64.getEncoder().encodeToString(HEX.parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new InvalidProtocolBufferException(
          name + " must be hex digits, got '" + abbreviate(hex) + "'");
    }
  }

  private static String base64ToHex(String name, String base64, int length) {
    return HEX.formatHex(Base64.getDecoder().decode(base64));
  }

  private static Iterable<JsonNode> array(JsonNode parent, String... names) {
    for (String name : names) {
      JsonNode child = parent.get(name);
      if (child != null && child.isArray()) {
        return child;
      }
    }
    return List.of();
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "…";
  }
}
