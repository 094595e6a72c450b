package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;
import java.util.Optional;

/**
 * One page of an export: every record of a signal matching a query, newest first, read a page at a
 * time so that an export of any size runs in constant memory. Pages are not counted.
 *
 * @param query Lucene query syntax, as {@link SearchRequest#query()}
 * @param pageSize the most records in the page, at least 1
 * @param after continue after this record (the previous page's {@link ExportPage#next()})
 * @param deadline for this page alone
 */
public record ExportRequest(
    Signal signal,
    String query,
    long startNanos,
    long endNanos,
    int pageSize,
    Optional<Cursor> after,
    Deadline deadline) {
  public ExportRequest {
    requireNonNull(signal, "signal");
    requireNonNull(query, "query");
    requireNonNull(after, "after");
    requireNonNull(deadline, "deadline");
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be at least 1");
    }
  }

  /** The request for the page after {@code page}. */
  public ExportRequest next(ExportPage page, Deadline pageDeadline) {
    return new ExportRequest(
        signal, query, startNanos, endNanos, pageSize, page.next(), pageDeadline);
  }
}
