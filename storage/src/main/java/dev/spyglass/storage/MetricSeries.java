package dev.spyglass.storage;

import java.util.List;

/**
 * The answer to a {@link MetricQuery}.
 *
 * @param series one per group, in the order their first point was found
 * @param partial true when the query hit its deadline: later points are missing
 */
public record MetricSeries(List<Series> series, boolean partial) {
  public MetricSeries {
    series = List.copyOf(series);
  }

  /**
   * One series.
   *
   * @param labels its values of the query's {@code groupBy} fields, in order
   * @param points oldest first, one per step that has data
   */
  public record Series(List<String> labels, List<Point> points) {
    public Series {
      labels = List.copyOf(labels);
      points = List.copyOf(points);
    }
  }

  /**
   * @param timestampNanos the step's start
   * @param value NaN where the step has no value (the average of no points)
   */
  public record Point(long timestampNanos, double value) {}
}
