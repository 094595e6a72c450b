package dev.spyglass.pipeline.component;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as the Collector writes them (Go's {@code time.ParseDuration}): a sequence of
 * decimal numbers with units {@code ns}, {@code us} (or {@code µs}), {@code ms}, {@code s}, {@code
 * m}, {@code h} — {@code 10s}, {@code 200ms}, {@code 1m30s}, {@code 1.5h}. A bare {@code 0} is
 * zero.
 */
public final class GoDuration {
  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

  private GoDuration() {}

  /** Parses {@code text}; throws {@link IllegalArgumentException} saying what was expected. */
  public static Duration parse(String text) {
    String value = text.strip();
    if (value.equals("0")) {
      return Duration.ZERO;
    }
    boolean negative = value.startsWith("-");
    if (negative || value.startsWith("+")) {
      value = value.substring(1);
    }
    Matcher part = PART.matcher(value);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < value.length()) {
      if (!part.find(at) || part.start() != at) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a duration: expected e.g. 10s, 500ms or 1m30s");
      }
      nanos =
          nanos.add(
              new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unit(part.group(2)))));
      at = part.end();
    }
    if (at == 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: expected e.g. 10s, 500ms or 1m30s");
    }
    Duration duration = Duration.ofNanos(nanos.longValueExact());
    return negative ? duration.negated() : duration;
  }

  /** The duration in a form {@link #parse} reads back. */
  public static String format(Duration duration) {
    return duration.toNanos() + "ns";
  }

  private static long unit(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> throw new IllegalArgumentException("unknown unit " + unit);
    };
  }
}
