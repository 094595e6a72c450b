package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;

/** A stored span. */
public record StoredSpan(RecordOrigin origin, Span span, Cursor cursor) implements StoredRecord {
  private static final HexFormat HEX = HexFormat.of();

  public StoredSpan {
    requireNonNull(origin, "origin");
    requireNonNull(span, "span");
    requireNonNull(cursor, "cursor");
  }

  @Override
  public Signal signal() {
    return Signal.TRACES;
  }

  /** The trace id as 32 lower-case hex digits. */
  public String traceIdHex() {
    return HEX.formatHex(span.getTraceId().toByteArray());
  }

  /** The span id as 16 lower-case hex digits. */
  public String spanIdHex() {
    return HEX.formatHex(span.getSpanId().toByteArray());
  }

  /** The parent's span id as hex; empty for a root span. */
  public String parentSpanIdHex() {
    return HEX.formatHex(span.getParentSpanId().toByteArray());
  }

  /** End minus start, ns; zero when the end is before the start. */
  public long durationNanos() {
    return Math.max(0, span.getEndTimeUnixNano() - span.getStartTimeUnixNano());
  }
}
