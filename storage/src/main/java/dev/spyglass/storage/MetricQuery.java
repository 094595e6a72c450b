package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Time series of one metric: one series per combination of {@code groupBy} values, a point per
 * step.
 *
 * @param name the metric name
 * @param query Lucene query syntax narrowing the points (e.g. {@code resource.host.name:a}); blank
 *     for all
 * @param stepNanos the width of a point, at least 1 s; points start at {@code originNanos} plus
 *     multiples of it
 * @param aggregation how the values within one step become the point's value
 * @param groupBy {@code service.name}, {@code resource.<key>} or {@code attributes.<key>}
 * @param originNanos where steps are counted from; 0 (the Unix epoch) unless a query wants its own
 *     alignment, as {@link #window} does
 */
public record MetricQuery(
    String name,
    String query,
    long startNanos,
    long endNanos,
    long stepNanos,
    Aggregation aggregation,
    List<String> groupBy,
    Deadline deadline,
    long originNanos) {

  /**
   * How the values of one step become a point: {@code AVG}, {@code SUM}, {@code MIN}, {@code MAX},
   * {@code COUNT}, {@code LAST}; {@code RATE} — the per-second increase of monotonic sums per
   * series, counter resets handled, summed over the group's series; {@code P50…P99} — from
   * histogram buckets (the increase within the step for cumulative ones), interpolated within the
   * bucket as Prometheus's {@code histogram_quantile} does.
   */
  public enum Aggregation {
    AVG,
    SUM,
    MIN,
    MAX,
    COUNT,
    LAST,
    RATE,
    P50,
    P90,
    P95,
    P99
  }

  /** Steps counted from the Unix epoch. */
  public MetricQuery(
      String name,
      String query,
      long startNanos,
      long endNanos,
      long stepNanos,
      Aggregation aggregation,
      List<String> groupBy,
      Deadline deadline) {
    this(name, query, startNanos, endNanos, stepNanos, aggregation, groupBy, deadline, 0);
  }

  /**
   * One point per series for the whole of [start, end] (at least 1 s long): what an alert rule asks
   * of a window, such as the rate of a counter over the last five minutes.
   */
  public static MetricQuery window(
      String name,
      String query,
      long startNanos,
      long endNanos,
      Aggregation aggregation,
      List<String> groupBy,
      Deadline deadline) {
    return new MetricQuery(
        name,
        query,
        startNanos,
        endNanos,
        endNanos - startNanos + 1,
        aggregation,
        groupBy,
        deadline,
        startNanos);
  }

  public MetricQuery {
    requireNonNull(name, "name");
    requireNonNull(query, "query");
    requireNonNull(aggregation, "aggregation");
    groupBy = List.copyOf(groupBy);
    requireNonNull(deadline, "deadline");
    if (stepNanos < 1_000_000_000L) {
      throw new IllegalArgumentException("step must be at least 1s");
    }
    for (String field : groupBy) {
      if (!field.equals("service.name")
          && !(field.startsWith("resource.") && field.length() > "resource.".length())
          && !(field.startsWith("attributes.") && field.length() > "attributes.".length())) {
        throw new InvalidQueryException(
            "invalid_group_by",
            "cannot group series by '"
                + field
                + "'; use service.name, resource.<key> or attributes.<key>");
      }
    }
  }
}
