package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;
import io.opentelemetry.proto.logs.v1.LogRecord;

/** A stored log record. */
public record StoredLog(RecordOrigin origin, LogRecord log, Cursor cursor) implements StoredRecord {
  public StoredLog {
    requireNonNull(origin, "origin");
    requireNonNull(log, "log");
    requireNonNull(cursor, "cursor");
  }

  @Override
  public Signal signal() {
    return Signal.LOGS;
  }
}
