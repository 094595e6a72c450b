package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * One value an aggregation computes per group and per time bucket.
 *
 * @param function what to compute
 * @param field the numeric field it reads ({@code duration}, {@code severity_number}, {@code
 *     value}, {@code count}, {@code sum}); empty for {@code count}, {@code rate} and {@code errors}
 */
public record Measure(Function function, String field) {

  /** What a measure computes. */
  public enum Function {
    /** Matching records. */
    COUNT,
    /** Matching records per second of the bucket (or of the whole range, for a group's total). */
    RATE,
    /** Spans with status error. */
    ERRORS,
    AVG,
    MIN,
    MAX,
    SUM,
    /**
     * Percentiles: within 0.1% of the exact value (three significant digits), whatever the number
     * of records.
     */
    P50,
    P75,
    P90,
    P95,
    P99;

    /** True for functions of a field. */
    public boolean needsField() {
      return ordinal() >= AVG.ordinal();
    }

    /** The quantile of a percentile function (0.95 for P95); NaN for the others. */
    public double quantile() {
      return switch (this) {
        case P50 -> 0.50;
        case P75 -> 0.75;
        case P90 -> 0.90;
        case P95 -> 0.95;
        case P99 -> 0.99;
        default -> Double.NaN;
      };
    }
  }

  public Measure {
    requireNonNull(function, "function");
    requireNonNull(field, "field");
    if (function.needsField() == field.isEmpty()) {
      throw new IllegalArgumentException(
          function.needsField()
              ? function + " needs a field"
              : function + " takes no field, got '" + field + "'");
    }
  }

  /** A measure without a field: {@code count}, {@code rate} or {@code errors}. */
  public static Measure of(Function function) {
    return new Measure(function, "");
  }

  /** How the API names it: {@code count}, {@code p95(duration)}. */
  public String label() {
    String name = function.name().toLowerCase(Locale.ROOT);
    return field.isEmpty() ? name : name + "(" + field + ")";
  }
}
