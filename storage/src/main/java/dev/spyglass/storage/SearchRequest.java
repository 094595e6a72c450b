package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;
import java.util.Optional;

/**
 * A search: records of one signal matching a query within a time range, a page at a time. Start
 * from {@link #of} and change what differs with the {@code with…} methods.
 *
 * @param signal what to search
 * @param query Lucene query syntax over the OTel field names ({@code service.name:checkout AND
 *     body:"connection reset"}); blank or {@code *} matches everything
 * @param startNanos the range's start, inclusive, Unix epoch ns
 * @param endNanos the range's end, inclusive
 * @param limit the most records to return, at least 1
 * @param after continue after this record (a previous page's {@link SearchResult#next()})
 * @param oldestFirst the order: newest first (false, the default) or oldest first
 * @param highlight whether hits carry the matched words of {@code body}, marked {@code <em>…</em>}
 * @param countTotal whether to count every match ({@link SearchResult#total()}); off saves the
 *     count when only the pages matter
 * @param deadline when to stop and return what was found, flagged partial
 */
public record SearchRequest(
    Signal signal,
    String query,
    long startNanos,
    long endNanos,
    int limit,
    Optional<Cursor> after,
    boolean oldestFirst,
    boolean highlight,
    boolean countTotal,
    Deadline deadline) {

  public SearchRequest {
    requireNonNull(signal, "signal");
    requireNonNull(query, "query");
    requireNonNull(after, "after");
    requireNonNull(deadline, "deadline");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
  }

  /** Newest first, counted, no highlights, no deadline. */
  public static SearchRequest of(
      Signal signal, String query, long startNanos, long endNanos, int limit) {
    return new SearchRequest(
        signal,
        query,
        startNanos,
        endNanos,
        limit,
        Optional.empty(),
        false,
        false,
        true,
        Deadline.NONE);
  }

  public SearchRequest withAfter(Optional<Cursor> cursor) {
    return new SearchRequest(
        signal,
        query,
        startNanos,
        endNanos,
        limit,
        cursor,
        oldestFirst,
        highlight,
        countTotal,
        deadline);
  }

  public SearchRequest withOldestFirst(boolean oldest) {
    return new SearchRequest(
        signal, query, startNanos, endNanos, limit, after, oldest, highlight, countTotal, deadline);
  }

  public SearchRequest withHighlight(boolean on) {
    return new SearchRequest(
        signal, query, startNanos, endNanos, limit, after, oldestFirst, on, countTotal, deadline);
  }

  public SearchRequest withCountTotal(boolean on) {
    return new SearchRequest(
        signal, query, startNanos, endNanos, limit, after, oldestFirst, highlight, on, deadline);
  }

  public SearchRequest withDeadline(Deadline until) {
    return new SearchRequest(
        signal,
        query,
        startNanos,
        endNanos,
        limit,
        after,
        oldestFirst,
        highlight,
        countTotal,
        until);
  }
}
