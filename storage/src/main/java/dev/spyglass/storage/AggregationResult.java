package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The groups of an aggregation, largest first. A measure's value is NaN where it has none (the
 * average of an empty bucket).
 *
 * @param total matching records in all groups
 * @param otherCount matching records in groups beyond {@code size}
 * @param groups the largest {@code size} groups, by count, ties by key
 * @param partial true when the aggregation hit its deadline: counts are lower bounds
 */
public record AggregationResult(long total, long otherCount, List<Group> groups, boolean partial) {
  public AggregationResult {
    groups = List.copyOf(groups);
  }

  /**
   * One group.
   *
   * @param key its values of the {@code groupBy} fields, in order; empty for records without one
   * @param values the measures over the whole range, in the request's order
   * @param histogram the same measures per time bucket, oldest first; empty without an interval
   */
  public record Group(List<String> key, double[] values, List<TimeBucket> histogram) {
    public Group {
      key = List.copyOf(key);
      requireNonNull(values, "values");
      histogram = List.copyOf(histogram);
    }
  }

  /**
   * One bucket of a group's date histogram.
   *
   * @param startNanos the bucket's first ns
   * @param values the measures in the bucket, in the request's order
   */
  public record TimeBucket(long startNanos, double[] values) {
    public TimeBucket {
      requireNonNull(values, "values");
    }
  }
}
