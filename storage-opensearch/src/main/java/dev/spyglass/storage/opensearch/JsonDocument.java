package dev.spyglass.storage.opensearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spyglass.storage.FieldSink;
import dev.spyglass.storage.query.QuerySyntax;
import java.time.Instant;

/**
 * One record's OpenSearch source: {@link dev.spyglass.storage.RecordFields}'s fields under their
 * own dotted names (the mapping keeps them flat), {@code @timestamp} for OpenSearch Dashboards, and
 * the stored record. A field given twice (an array attribute) becomes an array.
 */
final class JsonDocument implements FieldSink {
  static final String SOURCE = "source";
  static final String TIMESTAMP = "timestamp";

  /** The cursor's tie-breakers after the timestamp (docs/adr/0018). */
  static final String SEQUENCE = "wal.sequence";

  static final String POSITION = "wal.position";

  private static final java.util.HexFormat HEX = java.util.HexFormat.of();

  private final ObjectNode json = JsonNodeFactory.instance.objectNode();

  JsonDocument(long timestampNanos, byte[] source) {
    json.put(TIMESTAMP, timestampNanos);
    Instant at =
        Instant.ofEpochSecond(
            Math.floorDiv(timestampNanos, 1_000_000_000L),
            Math.floorMod(timestampNanos, 1_000_000_000L));
    json.put("@timestamp", at.toString());
    json.put(SOURCE, source);
  }

  ObjectNode json() {
    return json;
  }

  private void add(String name, com.fasterxml.jackson.databind.JsonNode value) {
    var existing = json.get(name);
    if (existing == null) {
      json.set(name, value);
    } else if (existing instanceof ArrayNode array) {
      array.add(value);
    } else {
      ArrayNode array = json.putArray(name);
      array.add(existing);
      array.add(value);
    }
  }

  @Override
  public void keyword(String name, String value) {
    add(name, JsonNodeFactory.instance.textNode(value));
  }

  /** As lower-case hex, a keyword (the translated queries ask for it so). */
  @Override
  public void id(String name, byte[] id) {
    keyword(name, HEX.formatHex(id));
  }

  @Override
  public void groupableKeyword(String name, String value) {
    keyword(name, value);
  }

  @Override
  public void text(String name, String value) {
    add(name, JsonNodeFactory.instance.textNode(value));
  }

  @Override
  public void longValue(String name, long value) {
    add(name, JsonNodeFactory.instance.numberNode(value));
  }

  @Override
  public void intValue(String name, int value) {
    add(name, JsonNodeFactory.instance.numberNode(value));
  }

  @Override
  public void doubleValue(String name, double value) {
    add(name, JsonNodeFactory.instance.numberNode(value));
  }

  @Override
  public void attributeNumber(String name, double value) {
    add(name + QuerySyntax.NUMERIC_SUFFIX, JsonNodeFactory.instance.numberNode(value));
  }

  @Override
  public void pattern(String id) {
    keyword("pattern.id", id);
  }
}
