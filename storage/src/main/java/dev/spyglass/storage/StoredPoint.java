package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.util.List;

/**
 * A stored metric data point.
 *
 * @param metric the metric (name, unit, type, temporality) holding this one data point
 */
public record StoredPoint(RecordOrigin origin, Metric metric, Cursor cursor)
    implements StoredRecord {
  public StoredPoint {
    requireNonNull(origin, "origin");
    requireNonNull(metric, "metric");
    requireNonNull(cursor, "cursor");
  }

  @Override
  public Signal signal() {
    return Signal.METRICS;
  }

  /** The data point's attributes; empty for a metric without a point. */
  public List<KeyValue> attributes() {
    return switch (metric.getDataCase()) {
      case GAUGE -> metric.getGauge().getDataPoints(0).getAttributesList();
      case SUM -> metric.getSum().getDataPoints(0).getAttributesList();
      case HISTOGRAM -> metric.getHistogram().getDataPoints(0).getAttributesList();
      case EXPONENTIAL_HISTOGRAM ->
          metric.getExponentialHistogram().getDataPoints(0).getAttributesList();
      case SUMMARY -> metric.getSummary().getDataPoints(0).getAttributesList();
      case DATA_NOT_SET -> List.of();
    };
  }
}
