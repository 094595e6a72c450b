package dev.spyglass.storage.wal;

import com.google.protobuf.Message;
import dev.spyglass.pipeline.Signal;
import java.util.Optional;

/**
 * One record of the write-ahead log: an OTLP export request as it was acknowledged.
 *
 * @param lsn the record's position: the global byte offset of its frame
 * @param end the position just after its frame (the next record's LSN)
 * @param signal which {@code Export*ServiceRequest} {@code request} holds
 * @param receivedAtNanos when Spyglass took it, Unix epoch ns; the timestamp of records that carry
 *     none, so that replay puts them in the same partition
 * @param request the protobuf bytes of the request
 * @param decoded the request as it arrived, while it is still in memory (live appends), so that the
 *     indexer need not decode {@code request} again; empty for records read back from disk
 */
public record WalRecord(
    long lsn,
    long end,
    Signal signal,
    long receivedAtNanos,
    byte[] request,
    Optional<Message> decoded) {

  /** A record read back from disk. */
  public WalRecord(long lsn, long end, Signal signal, long receivedAtNanos, byte[] request) {
    this(lsn, end, signal, receivedAtNanos, request, Optional.empty());
  }

  /**
   * The request as a message: the one in memory for a live append, else its bytes decoded.
   *
   * @throws com.google.protobuf.InvalidProtocolBufferException if the bytes are not a request
   */
  public Message message() throws com.google.protobuf.InvalidProtocolBufferException {
    if (decoded.isPresent()) {
      return decoded.get();
    }
    return switch (signal) {
      case LOGS ->
          io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.parseFrom(request);
      case TRACES ->
          io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.parseFrom(request);
      case METRICS ->
          io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.parseFrom(
              request);
    };
  }
}
