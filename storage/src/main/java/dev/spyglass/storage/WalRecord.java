package dev.spyglass.storage;

import dev.spyglass.pipeline.Signal;

/**
 * One record of the write-ahead log: an OTLP export request as it was acknowledged.
 *
 * @param lsn the record's position: the global byte offset of its frame
 * @param end the position just after its frame (the next record's LSN)
 * @param signal which {@code Export*ServiceRequest} {@code request} holds
 * @param receivedAtNanos when Spyglass took it, Unix epoch ns; the timestamp of records that carry
 *     none, so that replay puts them in the same partition
 * @param request the protobuf bytes of the request
 */
record WalRecord(long lsn, long end, Signal signal, long receivedAtNanos, byte[] request) {}
