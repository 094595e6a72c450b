package dev.spyglass.storage;

import com.google.protobuf.Message;
import dev.spyglass.pipeline.Signal;

/**
 * A record as a reader returns it, decoded once: a log record, a span or one metric data point,
 * with where it came from and its place in the store's order.
 */
public sealed interface StoredRecord permits StoredLog, StoredSpan, StoredPoint {

  /** What kind of record this is. */
  Signal signal();

  /** Its resource and scope. */
  RecordOrigin origin();

  /** Its position in the total order: time, then write order. */
  Cursor cursor();

  /** The timestamp it is sorted and partitioned by, Unix epoch ns. */
  default long timestampNanos() {
    return cursor().timestampNanos();
  }

  /**
   * The record as a one-record {@code Export*ServiceRequest}, with its resource and scope: what an
   * OTLP receiver accepts, and byte for byte what was stored.
   */
  default Message toRequest() {
    return StoredRecords.request(this);
  }
}
