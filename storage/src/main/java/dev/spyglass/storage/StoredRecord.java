package dev.spyglass.storage;

import dev.spyglass.pipeline.Signal;

/**
 * A record as the store returns it.
 *
 * @param signal spans, log records or metric data points
 * @param timestampNanos the timestamp it is sorted and partitioned by
 * @param source the original record with its resource and scope: the protobuf bytes of a one-record
 *     {@code Export*ServiceRequest}, byte for byte as stored
 * @param cursor its position in the total order
 */
public record StoredRecord(Signal signal, long timestampNanos, byte[] source, Cursor cursor) {}
