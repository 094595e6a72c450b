package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;
import io.opentelemetry.proto.logs.v1.LogRecord;

/**
 * A stored log record.
 *
 * @param pattern the pattern it belongs to now; {@link LogPattern#NONE} if it has none
 */
public record StoredLog(RecordOrigin origin, LogRecord log, Cursor cursor, LogPattern pattern)
    implements StoredRecord {
  public StoredLog {
    requireNonNull(origin, "origin");
    requireNonNull(log, "log");
    requireNonNull(cursor, "cursor");
    requireNonNull(pattern, "pattern");
  }

  public StoredLog(RecordOrigin origin, LogRecord log, Cursor cursor) {
    this(origin, log, cursor, LogPattern.NONE);
  }

  /** This record with its pattern. */
  public StoredLog withPattern(LogPattern pattern) {
    return new StoredLog(origin, log, cursor, pattern);
  }

  @Override
  public Signal signal() {
    return Signal.LOGS;
  }
}
