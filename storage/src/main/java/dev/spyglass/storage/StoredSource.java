package dev.spyglass.storage;

import com.google.protobuf.Message;
import dev.spyglass.pipeline.Signal;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * What a store keeps of one record, in two parts (docs/adr/0024): its {@link Origin} — resource and
 * scope, shared by every record under them in a request and encoded once for all of them — and the
 * record itself. A store may keep the two apart (the embedded store keeps each distinct origin once
 * per segment) or whole, as the one-record request {@link #request()}.
 */
public final class StoredSource {

  /** A resource and scope as stored: encoded when first asked for, then shared. */
  public static final class Origin {
    private final Signal signal;
    private final RecordOrigin origin;
    private byte[] bytes;

    public Origin(Signal signal, RecordOrigin origin) {
      this.signal = signal;
      this.origin = origin;
    }

    public RecordOrigin origin() {
      return origin;
    }

    /** The origin as a request without records ({@link StoredRecords#shell}). */
    public byte[] bytes() {
      if (bytes == null) {
        bytes = StoredRecords.shell(signal, origin).toByteArray();
      }
      return bytes;
    }
  }

  private final Origin origin;
  private final Message record;

  /**
   * @param record a {@link LogRecord}, a {@link Span} or a {@link Metric} holding one data point
   */
  public StoredSource(Origin origin, Message record) {
    this.origin = origin;
    this.record = record;
  }

  public Origin origin() {
    return origin;
  }

  /**
   * The record alone, less the times its document's {@code timestampNanos} already holds, and which
   * ones were left out (put back by {@link StoredRecords#decode(Signal, RecordOrigin, byte[], int,
   * Cursor)}, docs/adr/0026).
   */
  public Stripped stripped(long timestampNanos) {
    switch (record) {
      case LogRecord log -> {
        int elided = 0;
        LogRecord.Builder without = null;
        if (log.getTimeUnixNano() != 0 && log.getTimeUnixNano() == timestampNanos) {
          without = log.toBuilder().clearTimeUnixNano();
          elided |= StoredRecords.TIME_IS_TIMESTAMP;
          if (log.getObservedTimeUnixNano() == timestampNanos) {
            without.clearObservedTimeUnixNano();
            elided |= StoredRecords.OBSERVED_IS_TIMESTAMP;
          }
        } else if (log.getTimeUnixNano() == 0
            && log.getObservedTimeUnixNano() != 0
            && log.getObservedTimeUnixNano() == timestampNanos) {
          without = log.toBuilder().clearObservedTimeUnixNano();
          elided |= StoredRecords.OBSERVED_IS_TIMESTAMP;
        }
        return new Stripped(
            without == null ? log.toByteArray() : without.build().toByteArray(), elided);
      }
      case Span span
          when span.getStartTimeUnixNano() != 0
              && span.getStartTimeUnixNano() == timestampNanos -> {
        return new Stripped(
            span.toBuilder().clearStartTimeUnixNano().build().toByteArray(),
            StoredRecords.TIME_IS_TIMESTAMP);
      }
      default -> {
        return new Stripped(record.toByteArray(), 0);
      }
    }
  }

  /**
   * A record's bytes without some of its times.
   *
   * @param elided which times the bytes leave out: {@link StoredRecords#TIME_IS_TIMESTAMP}, {@link
   *     StoredRecords#OBSERVED_IS_TIMESTAMP}
   */
  public record Stripped(byte[] bytes, int elided) {}

  /** The record with its resource and scope, as a one-record request. */
  public byte[] request() {
    RecordOrigin from = origin.origin();
    Message request =
        switch (record) {
          case LogRecord log -> StoredRecords.request(from, log);
          case Span span -> StoredRecords.request(from, span);
          case Metric metric -> StoredRecords.request(from, metric);
          default -> throw new IllegalStateException("not a record: " + record.getClass());
        };
    return request.toByteArray();
  }

  /** The record as a read returns it. */
  public StoredRecord stored(Cursor cursor) {
    RecordOrigin from = origin.origin();
    return switch (record) {
      case LogRecord log -> new StoredLog(from, log, cursor);
      case Span span -> new StoredSpan(from, span, cursor);
      case Metric metric -> new StoredPoint(from, metric, cursor);
      default -> throw new IllegalStateException("not a record: " + record.getClass());
    };
  }
}
