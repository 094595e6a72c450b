package dev.spyglass.storage;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes the series of a {@link MetricQuery} from its points, fed oldest first: the
 * engine-neutral part of {@link TelemetryReader#metricSeries}, for every store that reads points
 * back.
 */
public final class MetricSeriesBuilder {
  /** The most points one query may read. */
  public static final int MAX_POINTS = 1_000_000;

  private final MetricQuery query;
  private final Map<List<String>, TreeMap<Long, Step>> groups = new LinkedHashMap<>();
  private final Map<String, Previous> previous = new HashMap<>();
  private long points;

  public MetricSeriesBuilder(MetricQuery query) {
    this.query = query;
  }

  /** What one step of one group has gathered. */
  private static final class Step {
    long count;
    double sum;
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    double last;
    long lastTime = Long.MIN_VALUE;
    double increase;
    double[] bounds;
    double[] buckets;

    void value(long time, double value) {
      count++;
      sum += value;
      min = Math.min(min, value);
      max = Math.max(max, value);
      if (time >= lastTime) {
        lastTime = time;
        last = value;
      }
    }

    void buckets(double[] bounds, double[] counts) {
      if (this.bounds == null) {
        this.bounds = bounds;
        this.buckets = new double[counts.length];
      }
      if (Arrays.equals(this.bounds, bounds) && buckets.length == counts.length) {
        for (int i = 0; i < counts.length; i++) {
          buckets[i] += counts[i];
        }
      }
    }
  }

  /** The previous point of one series, for increases. */
  private record Previous(double value, double[] counts) {}

  /**
   * Adds the next point, oldest first.
   *
   * @throws InvalidQueryException past {@link #MAX_POINTS}
   */
  public void add(StoredPoint point) {
    if (++points > MAX_POINTS) {
      throw new InvalidQueryException(
          "too_many_points", "more than " + MAX_POINTS + " points; narrow start..end or q");
    }
    List<KeyValue> attributes = point.attributes();
    List<String> key = new ArrayList<>(query.groupBy().size());
    for (String field : query.groupBy()) {
      key.add(label(field, point, attributes));
    }
    String series = point.origin().resource().getAttributesList() + "|" + attributes;
    long time = point.timestampNanos();
    long origin = query.originNanos();
    long bucket = origin + Math.floorDiv(time - origin, query.stepNanos()) * query.stepNanos();
    Step step =
        groups.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(bucket, b -> new Step());
    add(step, point.metric(), time, series);
  }

  /** The series of every point added. */
  public MetricSeries build(boolean partial) {
    List<MetricSeries.Series> series = new ArrayList<>();
    double stepSeconds = query.stepNanos() / 1e9;
    for (Map.Entry<List<String>, TreeMap<Long, Step>> group : groups.entrySet()) {
      List<MetricSeries.Point> values = new ArrayList<>();
      for (Map.Entry<Long, Step> step : group.getValue().entrySet()) {
        values.add(new MetricSeries.Point(step.getKey(), value(step.getValue(), stepSeconds)));
      }
      series.add(new MetricSeries.Series(group.getKey(), values));
    }
    return new MetricSeries(series, partial);
  }

  private void add(Step step, Metric metric, long time, String series) {
    switch (metric.getDataCase()) {
      case GAUGE -> step.value(time, number(metric.getGauge().getDataPoints(0)));
      case SUM -> {
        double value = number(metric.getSum().getDataPoints(0));
        step.value(time, value);
        boolean cumulative =
            metric.getSum().getAggregationTemporality()
                == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
        if (!cumulative) {
          step.increase += value;
        } else {
          Previous before = previous.put(series, new Previous(value, null));
          if (before != null) {
            step.increase += value >= before.value() ? value - before.value() : value; // reset
          }
        }
      }
      case HISTOGRAM -> {
        HistogramDataPoint point = metric.getHistogram().getDataPoints(0);
        double[] bounds =
            point.getExplicitBoundsList().stream().mapToDouble(Double::doubleValue).toArray();
        double[] counts =
            point.getBucketCountsList().stream().mapToDouble(Long::doubleValue).toArray();
        step.value(time, point.getCount() == 0 ? 0 : point.getSum() / point.getCount());
        boolean cumulative =
            metric.getHistogram().getAggregationTemporality()
                == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
        double[] increase = counts;
        if (cumulative) {
          Previous before = previous.put(series, new Previous(point.getCount(), counts));
          if (before != null
              && before.counts().length == counts.length
              && point.getCount() >= before.value()) {
            increase = new double[counts.length];
            for (int i = 0; i < counts.length; i++) {
              increase[i] = counts[i] - before.counts()[i];
            }
          }
        }
        step.buckets(bounds, increase);
      }
      default -> {}
    }
  }

  private double value(Step step, double stepSeconds) {
    return switch (query.aggregation()) {
      case AVG -> step.count == 0 ? Double.NaN : step.sum / step.count;
      case SUM -> step.sum;
      case MIN -> step.count == 0 ? Double.NaN : step.min;
      case MAX -> step.count == 0 ? Double.NaN : step.max;
      case COUNT -> step.count;
      case LAST -> step.count == 0 ? Double.NaN : step.last;
      case RATE -> step.increase / stepSeconds;
      case P50 -> quantile(0.50, step.bounds, step.buckets);
      case P90 -> quantile(0.90, step.bounds, step.buckets);
      case P95 -> quantile(0.95, step.bounds, step.buckets);
      case P99 -> quantile(0.99, step.bounds, step.buckets);
    };
  }

  /** Prometheus's histogram_quantile: linear within the bucket the rank falls in; NaN if empty. */
  static double quantile(double q, double[] bounds, double[] counts) {
    if (counts == null) {
      return Double.NaN;
    }
    double total = Arrays.stream(counts).sum();
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double seen = 0;
    for (int i = 0; i < counts.length; i++) {
      if (seen + counts[i] >= rank && counts[i] > 0) {
        double lower = i == 0 ? 0 : bounds[i - 1];
        if (i >= bounds.length) {
          return lower; // the +Inf bucket: its lower bound, as Prometheus does
        }
        double upper = bounds[i];
        return lower + (upper - lower) * ((rank - seen) / counts[i]);
      }
      seen += counts[i];
    }
    return bounds.length == 0 ? Double.NaN : bounds[bounds.length - 1];
  }

  private static String label(String field, StoredPoint point, List<KeyValue> attributes) {
    if (field.equals("service.name")) {
      return point.origin().serviceName();
    }
    if (field.startsWith("resource.")) {
      return find(point.origin().resource().getAttributesList(), field.substring(9));
    }
    return find(attributes, field.substring("attributes.".length())); // checked by MetricQuery
  }

  private static String find(List<KeyValue> attributes, String key) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals(key)) {
        return text(attribute.getValue());
      }
    }
    return "";
  }

  /** An attribute value as the text a label shows. */
  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString().strip();
    };
  }

  private static double number(NumberDataPoint point) {
    return point.hasAsInt() ? point.getAsInt() : point.getAsDouble();
  }
}
