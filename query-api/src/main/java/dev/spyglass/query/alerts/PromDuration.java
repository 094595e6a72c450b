package dev.spyglass.query.alerts;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Prometheus writes them in rule files and queries: whole numbers with units {@code
 * ms}, {@code s}, {@code m}, {@code h}, {@code d}, {@code w}, {@code y}, largest first — {@code
 * 30s}, {@code 5m}, {@code 1h30m}, {@code 7d}. {@code 0} is zero.
 */
public final class PromDuration {
  private static final Pattern FORM =
      Pattern.compile(
          "(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?"
              + "(?:(\\d+)ms)?");
  private static final long[] UNIT_MILLIS = {
    365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1
  };

  private PromDuration() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying what was expected
   */
  public static Duration parse(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher form = FORM.matcher(text);
    if (text.isEmpty() || !form.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: expected e.g. 30s, 5m, 1h30m or 7d");
    }
    long millis = 0;
    try {
      for (int i = 0; i < UNIT_MILLIS.length; i++) {
        String part = form.group(i + 1);
        if (part != null) {
          millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(part), UNIT_MILLIS[i]));
        }
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    }
    return Duration.ofMillis(millis);
  }

  /** {@code 5m}, {@code 1h30m}, {@code 500ms}: the shortest text that parses back to it. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis == 0) {
      return "0s";
    }
    String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < UNIT_MILLIS.length; i++) {
      long count = millis / UNIT_MILLIS[i];
      if (count > 0) {
        out.append(count).append(units[i]);
        millis -= count * UNIT_MILLIS[i];
      }
    }
    return out.toString();
  }
}
