package dev.spyglass.receiver.redis;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The metrics of one scrape of one node, one metric per name with its data points. */
final class MetricSet {
  private final long startNanos;
  private final long nowNanos;
  private final Map<String, Metric.Builder> metrics = new LinkedHashMap<>();

  /**
   * @param startNanos the start of cumulative sums (the server's start)
   * @param nowNanos the time of every point
   */
  MetricSet(long startNanos, long nowNanos) {
    this.startNanos = startNanos;
    this.nowNanos = nowNanos;
  }

  void gauge(String name, String unit, double value, String... attributes) {
    metric(name, unit, false, false, false)
        .getGaugeBuilder()
        .addDataPoints(point(value, false, attributes));
  }

  void gaugeInt(String name, String unit, double value, String... attributes) {
    metric(name, unit, false, false, false)
        .getGaugeBuilder()
        .addDataPoints(point(value, true, attributes));
  }

  /** A cumulative sum; a {@code monotonic} one counts up, from the server's start. */
  void sum(
      String name,
      String unit,
      boolean monotonic,
      boolean integer,
      double value,
      String... attributes) {
    metric(name, unit, true, monotonic, true)
        .getSumBuilder()
        .addDataPoints(point(value, integer, attributes).setStartTimeUnixNano(startNanos));
  }

  private Metric.Builder metric(
      String name, String unit, boolean sum, boolean monotonic, boolean cumulative) {
    return metrics.computeIfAbsent(
        name,
        n -> {
          Metric.Builder metric = Metric.newBuilder().setName(n).setUnit(unit);
          if (sum) {
            metric.setSum(
                Sum.newBuilder()
                    .setIsMonotonic(monotonic)
                    .setAggregationTemporality(
                        cumulative
                            ? AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
                            : AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA));
          } else {
            metric.setGauge(Gauge.newBuilder());
          }
          return metric;
        });
  }

  private NumberDataPoint.Builder point(double value, boolean integer, String... attributes) {
    NumberDataPoint.Builder point = NumberDataPoint.newBuilder().setTimeUnixNano(nowNanos);
    if (integer) {
      point.setAsInt((long) value);
    } else {
      point.setAsDouble(value);
    }
    for (int i = 0; i + 1 < attributes.length; i += 2) {
      point.addAttributes(
          KeyValue.newBuilder()
              .setKey(attributes[i])
              .setValue(AnyValue.newBuilder().setStringValue(attributes[i + 1])));
    }
    return point;
  }

  List<Metric> build() {
    List<Metric> built = new ArrayList<>();
    metrics.values().forEach(metric -> built.add(metric.build()));
    return built;
  }
}
