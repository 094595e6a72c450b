package dev.spyglass.processor.spanmetrics;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Configuration of the {@code spanmetrics} connector, shaped as the Collector's.
 *
 * @param histogram the duration histogram: {@code explicit.buckets}, {@code unit} (ms or s), {@code
 *     disable}
 * @param dimensions extra data point attributes, each {@code name} and optional {@code default},
 *     taken from the span's attributes, else its resource's, else the default (else left out)
 * @param excludeDimensions default dimensions to leave out: service.name, span.name, span.kind,
 *     status.code
 * @param aggregationTemporality AGGREGATION_TEMPORALITY_CUMULATIVE (default) or _DELTA
 * @param metricsFlushInterval how often metrics are sent on; default 60s
 * @param namespace prefix of the metric names; default {@code traces.span.metrics}
 * @param aggregationCardinalityLimit the most series per resource, 0 for no limit; spans beyond it
 *     count in one series with only {@code otel.metric.overflow=true}
 */
public record SpanMetricsConfig(
    Histogram histogram,
    List<Map<String, Object>> dimensions,
    List<String> excludeDimensions,
    String aggregationTemporality,
    Duration metricsFlushInterval,
    String namespace,
    int aggregationCardinalityLimit)
    implements ComponentConfig {

  static final List<String> DEFAULT_DIMENSIONS =
      List.of("service.name", "span.name", "span.kind", "status.code");
  static final String CUMULATIVE = "AGGREGATION_TEMPORALITY_CUMULATIVE";
  static final String DELTA = "AGGREGATION_TEMPORALITY_DELTA";

  /**
   * @param exponential accepted to name it in a clear error: only explicit buckets are built
   */
  public record Histogram(
      boolean disable, String unit, Explicit explicit, Map<String, Object> exponential) {}

  public record Explicit(List<Duration> buckets) {}

  /** A configured dimension: the attribute's name and the value used when no span has it. */
  record Dimension(String name, Object defaultValue) {}

  public SpanMetricsConfig {
    dimensions = dimensions == null ? List.of() : List.copyOf(dimensions);
    excludeDimensions = excludeDimensions == null ? List.of() : List.copyOf(excludeDimensions);
  }

  static List<Duration> defaultBuckets() {
    return List.of(2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000)
        .stream()
        .map(Duration::ofMillis)
        .toList();
  }

  boolean delta() {
    return DELTA.equals(aggregationTemporality);
  }

  /** The configured dimensions, checked. */
  List<Dimension> parsedDimensions() {
    List<Dimension> parsed = new ArrayList<>();
    for (int i = 0; i < dimensions.size(); i++) {
      Map<String, Object> dimension = dimensions.get(i);
      for (String key : dimension.keySet()) {
        if (!Set.of("name", "default").contains(key)) {
          throw new InvalidConfigException(
              "dimensions." + i + "." + key, "unknown field; a dimension has 'name' and 'default'");
        }
      }
      if (!(dimension.get("name") instanceof String name) || name.isBlank()) {
        throw new InvalidConfigException("dimensions." + i, "a dimension needs a 'name'");
      }
      if (DEFAULT_DIMENSIONS.contains(name)) {
        throw new InvalidConfigException(
            "dimensions." + i + ".name", "'" + name + "' is already a default dimension");
      }
      parsed.add(new Dimension(name, dimension.get("default")));
    }
    return parsed;
  }

  @Override
  public void validate() {
    parsedDimensions();
    for (int i = 0; i < excludeDimensions.size(); i++) {
      if (!DEFAULT_DIMENSIONS.contains(excludeDimensions.get(i))) {
        throw new InvalidConfigException(
            "exclude_dimensions." + i,
            "'" + excludeDimensions.get(i) + "' is not one of " + DEFAULT_DIMENSIONS);
      }
    }
    if (!CUMULATIVE.equals(aggregationTemporality) && !DELTA.equals(aggregationTemporality)) {
      throw new InvalidConfigException(
          "aggregation_temporality", "must be " + CUMULATIVE + " or " + DELTA);
    }
    if (metricsFlushInterval.isNegative() || metricsFlushInterval.isZero()) {
      throw new InvalidConfigException("metrics_flush_interval", "must be positive");
    }
    if (aggregationCardinalityLimit < 0) {
      throw new InvalidConfigException("aggregation_cardinality_limit", "must be 0 or more");
    }
    if (histogram.exponential() != null) {
      throw new InvalidConfigException(
          "histogram.exponential",
          "exponential histograms are not supported yet; use histogram.explicit.buckets");
    }
    if (!"ms".equals(histogram.unit()) && !"s".equals(histogram.unit())) {
      throw new InvalidConfigException("histogram.unit", "must be 'ms' or 's'");
    }
    List<Duration> buckets = histogram.explicit().buckets();
    if (buckets == null || buckets.isEmpty()) {
      throw new InvalidConfigException("histogram.explicit.buckets", "at least one bucket");
    }
    for (int i = 1; i < buckets.size(); i++) {
      if (buckets.get(i).compareTo(buckets.get(i - 1)) <= 0) {
        throw new InvalidConfigException(
            "histogram.explicit.buckets." + i, "bucket bounds must increase");
      }
    }
  }
}
