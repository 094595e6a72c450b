package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;
import java.util.List;

/**
 * Groups matching records by the values of keyword fields and computes measures per group, and per
 * time bucket when an interval is given — e.g. errors per service per minute, or the RED metrics of
 * every operation.
 *
 * @param query Lucene query syntax, as {@link SearchRequest#query()}
 * @param groupBy keyword fields whose value combination makes a group (none: one group of all)
 * @param intervalNanos the date histogram's bucket width; 0 for none. Buckets start at multiples of
 *     it (Unix epoch) and cover the range from the bucket holding {@code startNanos} to the one
 *     holding {@code endNanos}, empty ones included
 * @param measures what to compute, at least one
 * @param size the most groups to return, the largest by count first
 */
public record AggregationRequest(
    Signal signal,
    String query,
    long startNanos,
    long endNanos,
    List<String> groupBy,
    long intervalNanos,
    List<Measure> measures,
    int size,
    Deadline deadline) {
  /** The most buckets a date histogram may have. */
  public static final int MAX_TIME_BUCKETS = 10_000;

  public AggregationRequest {
    requireNonNull(signal, "signal");
    requireNonNull(query, "query");
    groupBy = List.copyOf(groupBy);
    measures = List.copyOf(measures);
    requireNonNull(deadline, "deadline");
    if (measures.isEmpty()) {
      throw new IllegalArgumentException("at least one measure is needed");
    }
    if (intervalNanos < 0 || size < 1 || endNanos < startNanos) {
      throw new IllegalArgumentException("interval ≥ 0, size ≥ 1 and start ≤ end are needed");
    }
    if (intervalNanos > 0
        && (double) Math.floorDiv(endNanos, intervalNanos)
                - Math.floorDiv(startNanos, intervalNanos)
            >= MAX_TIME_BUCKETS) {
      throw new InvalidQueryException(
          "too_many_buckets",
          "the time range at this interval makes more than "
              + MAX_TIME_BUCKETS
              + " buckets; use a larger interval or a shorter range");
    }
  }
}
