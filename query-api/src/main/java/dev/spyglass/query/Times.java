package dev.spyglass.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times as the API accepts them: RFC 3339 ({@code 2026-11-21T10:00:00Z}, any offset, up to ns),
 * epoch milliseconds ({@code 1763719200000}), {@code now}, or date math {@code now-15m}, {@code
 * now+1h} (units {@code s}, {@code m}, {@code h}, {@code d}, {@code w}). All become Unix epoch
 * nanoseconds.
 */
final class Times {
  // A '+' typed in a URL arrives as a space (form encoding): now+1h reads as "now 1h".
  private static final Pattern RELATIVE = Pattern.compile("now(?:([+ -])(\\d{1,9})([smhdw]))?");

  private final LongSupplier clock;

  Times(LongSupplier clockNanos) {
    this.clock = clockNanos;
  }

  /** The time in ns; {@code fallback} when {@code text} is null or blank. */
  long parse(String name, String text, long fallback) {
    return parse(name, text, fallback, now());
  }

  /** As {@link #parse(String, String, long)}, with {@code now} read once for a whole request. */
  private long parse(String name, String text, long fallback, long now) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    String value = text.strip();
    Matcher relative = RELATIVE.matcher(value);
    if (relative.matches()) {
      if (relative.group(1) == null) {
        return now;
      }
      long amount = Long.parseLong(relative.group(2));
      long unit =
          switch (relative.group(3)) {
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> 604_800_000_000_000L;
          };
      return relative.group(1).equals("-") ? now - amount * unit : now + amount * unit;
    }
    if (value.chars().allMatch(Character::isDigit) && value.length() <= 15) {
      return Long.parseLong(value) * 1_000_000L;
    }
    try {
      Instant instant = OffsetDateTime.parse(value).toInstant();
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (DateTimeParseException | ArithmeticException e) {
      throw ApiException.badRequest(
          "invalid_time",
          name
              + "='"
              + value
              + "' is not a time: use RFC 3339 (2026-11-21T10:00:00Z), epoch milliseconds, or"
              + " now-15m");
    }
  }

  /** A query's time range, in ns since the epoch. */
  record Range(long start, long end) {}

  /**
   * The {@code start} and {@code end} parameters: by default the hour up to now; a start after the
   * end is refused.
   */
  Range range(Params params) {
    long now = now();
    long end = parse("end", params.string("end", null), now, now);
    long start = parse("start", params.string("start", null), end - 3_600_000_000_000L, now);
    if (start > end) {
      throw ApiException.badRequest("invalid_range", "start is after end");
    }
    return new Range(start, end);
  }

  long now() {
    return clock.getAsLong();
  }

  /** RFC 3339 in UTC with as many fraction digits as needed, up to ns. */
  static String format(long nanos) {
    return Instant.ofEpochSecond(
            Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))
        .toString();
  }
}
