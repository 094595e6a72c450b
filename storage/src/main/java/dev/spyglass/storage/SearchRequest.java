package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;
import java.time.Duration;
import java.util.Optional;

/**
 * A search: records of one signal matching a query within a time range.
 *
 * @param signal what to search
 * @param query Lucene query syntax over the OTel field names ({@code service.name:checkout AND
 *     body:"connection reset"}); blank or {@code *} matches everything
 * @param startNanos the range's start, inclusive, Unix epoch ns
 * @param endNanos the range's end, inclusive
 * @param limit the most records to return, at least 1
 * @param after continue after this record (a previous page's {@link SearchResult#next()})
 * @param oldestFirst the order: newest first (false, the default) or oldest first
 * @param timeout how long the search may run before it returns what it found, flagged partial; zero
 *     for no limit
 */
public record SearchRequest(
    Signal signal,
    String query,
    long startNanos,
    long endNanos,
    int limit,
    Optional<Cursor> after,
    boolean oldestFirst,
    Duration timeout) {

  public SearchRequest {
    requireNonNull(signal, "signal");
    requireNonNull(query, "query");
    requireNonNull(after, "after");
    requireNonNull(timeout, "timeout");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
  }

  /** Newest first, no time limit. */
  public SearchRequest(
      Signal signal,
      String query,
      long startNanos,
      long endNanos,
      int limit,
      Optional<Cursor> after) {
    this(signal, query, startNanos, endNanos, limit, after, false, Duration.ZERO);
  }
}
