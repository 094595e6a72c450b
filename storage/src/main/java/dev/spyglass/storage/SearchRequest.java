package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;
import java.util.Optional;

/**
 * A search: records of one signal matching a query within a time range, newest first.
 *
 * @param signal what to search
 * @param query Lucene query syntax over the OTel field names ({@code service.name:checkout AND
 *     body:"connection reset"}); blank or {@code *} matches everything
 * @param startNanos the range's start, inclusive, Unix epoch ns
 * @param endNanos the range's end, inclusive
 * @param limit the most records to return, at least 1
 * @param after continue after this record (a previous page's {@link SearchResult#next()})
 */
public record SearchRequest(
    Signal signal,
    String query,
    long startNanos,
    long endNanos,
    int limit,
    Optional<Cursor> after) {

  public SearchRequest {
    requireNonNull(signal, "signal");
    requireNonNull(query, "query");
    requireNonNull(after, "after");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
  }
}
