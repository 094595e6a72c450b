package dev.spyglass.storage;

import dev.spyglass.pipeline.Signal;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The read side of a store, for the query API. Implementations open only the partitions that
 * overlap a request's time range.
 */
public interface TelemetryReader {

  /**
   * The records matching {@code request}, newest first.
   *
   * @throws InvalidQueryException if the query cannot be parsed
   */
  SearchResult search(SearchRequest request) throws IOException;

  /**
   * Every span of the trace, and every log record carrying its id, within the time range (at most
   * {@code limit} of each).
   *
   * @param traceIdHex 32 hex digits, either case
   */
  List<StoredRecord> trace(String traceIdHex, long startNanos, long endNanos, int limit)
      throws IOException;

  /** The fields records of {@code signal} have, by name, and how each can be queried. */
  Map<String, FieldKind> fields(Signal signal) throws IOException;
}
