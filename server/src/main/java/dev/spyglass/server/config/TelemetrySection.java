package dev.spyglass.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.pipeline.service.TelemetryConfig;
import dev.spyglass.pipeline.service.TelemetryConfig.PeriodicReader;
import dev.spyglass.server.telemetry.SelfTelemetryExport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code service.telemetry} in the Collector's shape:
 *
 * <pre>
 * telemetry:
 *   metrics:
 *     level: normal
 *     readers:
 *       - periodic:
 *           interval: 10000          # ms
 *           exporter:
 *             otlp: { protocol: http/protobuf, endpoint: http://127.0.0.1:4318/v1/metrics }
 * </pre>
 */
final class TelemetrySection {
  private static final long MIN_INTERVAL_MS = 1000;
  private static final Set<String> LEVELS = Set.of("none", "basic", "normal", "detailed");
  private static final Set<String> OTLP_KEYS =
      Set.of("protocol", "endpoint", "headers", "compression", "timeout", "insecure");

  private final YamlDocument document;

  TelemetrySection(YamlDocument document) {
    this.document = document;
  }

  TelemetryConfig read(JsonNode telemetry) {
    List<Object> path = List.of("service", "telemetry");
    if (telemetry == null || telemetry.isNull()) {
      return TelemetryConfig.NONE;
    }
    ConfigLoader.requireObject(document, telemetry, path, Set.of("metrics"));
    JsonNode metrics = telemetry.get("metrics");
    if (metrics == null || metrics.isNull()) {
      return TelemetryConfig.NONE;
    }
    List<Object> metricsPath = append(path, "metrics");
    ConfigLoader.requireObject(document, metrics, metricsPath, Set.of("level", "readers"));
    String level = text(metrics.get("level"), append(metricsPath, "level"), "normal");
    if (!LEVELS.contains(level)) {
      throw document.error(
          append(metricsPath, "level"),
          false,
          "expected one of " + LEVELS.stream().sorted().toList());
    }
    JsonNode readers = metrics.get("readers");
    if (readers == null || readers.isNull() || level.equals("none")) {
      return TelemetryConfig.NONE;
    }
    List<Object> readersPath = append(metricsPath, "readers");
    if (!readers.isArray()) {
      throw document.error(readersPath, false, "expected a list of readers");
    }
    List<PeriodicReader> result = new ArrayList<>();
    for (int i = 0; i < readers.size(); i++) {
      result.add(reader(readers.get(i), append(readersPath, i)));
    }
    return new TelemetryConfig(result);
  }

  private PeriodicReader reader(JsonNode reader, List<Object> path) {
    ConfigLoader.requireObject(document, reader, path, Set.of("periodic", "pull"));
    if (reader.has("pull")) {
      throw document.error(
          append(path, "pull"),
          true,
          "pull readers are not needed: /metrics on the API port serves Prometheus text");
    }
    JsonNode periodic = reader.get("periodic");
    List<Object> periodicPath = append(path, "periodic");
    if (periodic == null || periodic.isNull()) {
      throw document.error(path, false, "expected a 'periodic' reader");
    }
    ConfigLoader.requireObject(
        document, periodic, periodicPath, Set.of("interval", "timeout", "exporter"));
    long interval = millis(periodic.get("interval"), append(periodicPath, "interval"), 60_000);
    if (interval < MIN_INTERVAL_MS) {
      throw document.error(
          append(periodicPath, "interval"),
          false,
          "must be at least "
              + MIN_INTERVAL_MS
              + " ms: Spyglass's own metrics must not crowd out"
              + " the data it serves");
    }
    long periodicTimeout = millis(periodic.get("timeout"), append(periodicPath, "timeout"), 30_000);
    JsonNode exporter = periodic.get("exporter");
    List<Object> exporterPath = append(periodicPath, "exporter");
    if (exporter == null || exporter.isNull()) {
      throw document.error(periodicPath, false, "expected an 'exporter' with 'otlp' settings");
    }
    ConfigLoader.requireObject(
        document, exporter, exporterPath, Set.of("otlp", "otlp_http", "otlp_grpc"));
    if (exporter.size() != 1) {
      throw document.error(exporterPath, false, "expected exactly one exporter");
    }
    String kind = exporter.fieldNames().next();
    JsonNode otlp = exporter.get(kind);
    List<Object> otlpPath = append(exporterPath, kind);
    if (otlp == null || !otlp.isObject()) {
      throw document.error(otlpPath, false, "expected a mapping with at least 'endpoint'");
    }
    ConfigLoader.requireObject(document, otlp, otlpPath, OTLP_KEYS);
    String defaultProtocol = kind.equals("otlp_grpc") ? "grpc" : "http/protobuf";
    String protocol = text(otlp.get("protocol"), append(otlpPath, "protocol"), defaultProtocol);
    String endpoint = text(otlp.get("endpoint"), append(otlpPath, "endpoint"), "");
    String compression = text(otlp.get("compression"), append(otlpPath, "compression"), "gzip");
    long timeout = millis(otlp.get("timeout"), append(otlpPath, "timeout"), periodicTimeout);
    PeriodicReader result =
        new PeriodicReader(
            Duration.ofMillis(interval),
            protocol,
            endpoint,
            headers(otlp.get("headers"), append(otlpPath, "headers")),
            compression,
            Duration.ofMillis(timeout));
    try {
      SelfTelemetryExport.check(result);
    } catch (InvalidConfigException e) {
      throw document.error(append(otlpPath, e.path().getFirst()), false, e.getMessage());
    }
    return result;
  }

  private Map<String, String> headers(JsonNode headers, List<Object> path) {
    Map<String, String> result = new LinkedHashMap<>();
    if (headers == null || headers.isNull()) {
      return result;
    }
    if (!headers.isArray()) {
      throw document.error(path, false, "expected a list of {name, value}");
    }
    for (int i = 0; i < headers.size(); i++) {
      JsonNode header = headers.get(i);
      List<Object> headerPath = append(path, i);
      ConfigLoader.requireObject(document, header, headerPath, Set.of("name", "value"));
      String name = text(header.get("name"), append(headerPath, "name"), "");
      if (name.isEmpty()) {
        throw document.error(headerPath, false, "needs a 'name'");
      }
      result.put(name, text(header.get("value"), append(headerPath, "value"), ""));
    }
    return result;
  }

  private String text(JsonNode node, List<Object> path, String fallback) {
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isTextual()) {
      throw document.error(path, false, "expected a string");
    }
    return node.asText();
  }

  private long millis(JsonNode node, List<Object> path, long fallback) {
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() <= 0) {
      throw document.error(path, false, "expected a positive whole number of milliseconds");
    }
    return node.asLong();
  }

  private static List<Object> append(List<Object> path, Object key) {
    return ConfigLoader.concat(path, List.of(key));
  }
}
