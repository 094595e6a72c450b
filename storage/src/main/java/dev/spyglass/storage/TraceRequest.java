package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The records of one trace.
 *
 * @param traceIdHex 32 hex digits, either case
 * @param startNanos only records from this time on (inclusive, Unix epoch ns)
 * @param endNanos only records up to this time (inclusive)
 * @param limit the most spans, and the most log records, to return
 * @param withLogs whether to find the log records that carry the trace id too
 * @param deadline when to stop and return what was found, flagged partial
 */
public record TraceRequest(
    String traceIdHex,
    long startNanos,
    long endNanos,
    int limit,
    boolean withLogs,
    Deadline deadline) {
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F]{32}");

  public TraceRequest {
    requireNonNull(traceIdHex, "traceIdHex");
    requireNonNull(deadline, "deadline");
    if (!TRACE_ID.matcher(traceIdHex).matches()) {
      throw new IllegalArgumentException("a trace id is 32 hex digits, got '" + traceIdHex + "'");
    }
    traceIdHex = traceIdHex.toLowerCase(Locale.ROOT);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
  }

  /** True for 32 hex digits, either case. */
  public static boolean isTraceId(String text) {
    return TRACE_ID.matcher(text).matches();
  }
}
