package dev.spyglass.storage.opensearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spyglass.pipeline.Signal;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where records go (docs/adr/0018): one index per signal per UTC day, {@code <prefix>-2026.12.01},
 * each made from its signal's index template with explicit mappings — the embedded store's field
 * names and kinds, dotted names kept flat, attributes through capped dynamic templates.
 */
final class IndexLayout {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
  private static final long DAY_NANOS = 86_400_000_000_000L;

  /** Fields an index may have at most: the core ones and up to this many attributes. */
  static final int MAX_FIELDS = 2000;

  private final OpenSearchConfig config;

  /**
   * {@code -2026.12.01} by epoch day: formatting a date per document costs more than indexing it.
   */
  private final Map<Long, String> days = new ConcurrentHashMap<>();

  IndexLayout(OpenSearchConfig config) {
    this.config = config;
  }

  String prefix(Signal signal) {
    return switch (signal) {
      case LOGS -> config.logsIndex();
      case TRACES -> config.tracesIndex();
      case METRICS -> config.metricsIndex();
    };
  }

  /** The index of a record of {@code signal} at {@code timestampNanos}. */
  String index(Signal signal, long timestampNanos) {
    long day = Math.floorDiv(timestampNanos, DAY_NANOS);
    String suffix = days.get(day);
    if (suffix == null) {
      if (days.size() > 10_000) {
        days.clear(); // timestamps all over the calendar: keep the cache bounded
      }
      suffix = "-" + DAY.format(Instant.ofEpochSecond(day * 86_400L));
      days.put(day, suffix);
    }
    return prefix(signal) + suffix;
  }

  /**
   * The indices a read of {@code signal} over [start, end] touches, as a comma-separated pattern
   * list; whole-signal wildcard for long or unbounded ranges.
   */
  String indices(Signal signal, long startNanos, long endNanos) {
    if (startNanos == Long.MIN_VALUE
        || endNanos == Long.MAX_VALUE
        || endNanos - startNanos > 62 * DAY_NANOS) {
      return prefix(signal) + "-*";
    }
    List<String> days = new ArrayList<>();
    for (long day = Math.floorDiv(startNanos, DAY_NANOS);
        day <= Math.floorDiv(endNanos, DAY_NANOS);
        day++) {
      days.add(index(signal, day * DAY_NANOS));
    }
    return String.join(",", days);
  }

  /** Creates or updates every signal's index template. */
  void install(Connection connection) throws IOException {
    for (Signal signal : Signal.values()) {
      Connection.Answer answer =
          connection.json("PUT", "/_index_template/" + prefix(signal), template(signal));
      if (!answer.ok()) {
        throw new IOException(
            "cannot install the index template " + prefix(signal) + ": " + answer.reason());
      }
    }
  }

  private ObjectNode template(Signal signal) {
    ObjectNode template = Connection.JSON.createObjectNode();
    template.putArray("index_patterns").add(prefix(signal) + "-*");
    template.put("priority", 200);
    ObjectNode body = template.putObject("template");
    ObjectNode settings = body.putObject("settings");
    settings.put("index.number_of_shards", config.shards());
    settings.put("index.number_of_replicas", config.replicas());
    settings.put("index.refresh_interval", config.refreshInterval().toMillis() + "ms");
    settings.put("index.codec", "best_compression");
    settings.put("index.sort.field", JsonDocument.TIMESTAMP);
    settings.put("index.sort.order", "desc");
    settings.put("index.mapping.total_fields.limit", MAX_FIELDS);
    settings.put("index.query.default_field", "body");
    ObjectNode mappings = body.putObject("mappings");
    mappings.put("disable_objects", true);
    mappings.put("dynamic", "strict_allow_templates");
    ArrayNode dynamic = mappings.putArray("dynamic_templates");
    dynamic.addObject().set("numbers", rule("*#num", null, type("double")));
    dynamic.addObject().set("attributes", rule(null, "attributes.*", keyword()));
    dynamic.addObject().set("resource", rule(null, "resource.*", keyword()));
    ObjectNode properties = mappings.putObject("properties");
    properties.set(JsonDocument.TIMESTAMP, type("long"));
    properties.set("@timestamp", type("date_nanos"));
    properties.set(JsonDocument.SOURCE, type("binary"));
    properties.set(JsonDocument.SEQUENCE, type("long"));
    properties.set(JsonDocument.POSITION, type("integer"));
    properties.set("service.name", keyword());
    properties.set("scope.name", keyword());
    properties.set("pattern.id", keyword());
    switch (signal) {
      case LOGS -> {
        properties.set("severity_number", type("integer"));
        properties.set("severity_text", keyword());
        ObjectNode text = type("text");
        text.put("analyzer", "standard");
        properties.set("body", text);
        properties.set("trace_id", keyword());
        properties.set("span_id", keyword());
        properties.set("event_name", keyword());
      }
      case TRACES -> {
        for (String name :
            List.of("trace_id", "span_id", "parent_span_id", "name", "kind", "status.code")) {
          properties.set(name, keyword());
        }
        properties.set("duration", type("long"));
      }
      case METRICS -> {
        for (String name :
            List.of(
                "metric.name",
                "metric.type",
                "metric.unit",
                "metric.monotonic",
                "metric.temporality")) {
          properties.set(name, keyword());
        }
        properties.set("value", type("double"));
        properties.set("count", type("long"));
        properties.set("sum", type("double"));
      }
    }
    return template;
  }

  private static ObjectNode rule(String match, String pathMatch, ObjectNode mapping) {
    ObjectNode rule = Connection.JSON.createObjectNode();
    if (match != null) {
      rule.put("match", match);
    }
    if (pathMatch != null) {
      rule.put("path_match", pathMatch);
    }
    rule.set("mapping", mapping);
    return rule;
  }

  private static ObjectNode keyword() {
    return type("keyword");
  }

  private static ObjectNode type(String type) {
    return Connection.JSON.createObjectNode().put("type", type);
  }
}
