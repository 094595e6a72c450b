package dev.spyglass.storage;

import java.util.List;
import java.util.Optional;

/**
 * A page of search results.
 *
 * @param total how many records match in the time range (all pages; a lower bound when partial)
 * @param hits this page, in the requested order
 * @param next where the next page starts; empty when this page is the last
 * @param partial true when the search hit its timeout and returns what it had found
 */
public record SearchResult(
    long total, List<StoredRecord> hits, Optional<Cursor> next, boolean partial) {

  public SearchResult {
    hits = List.copyOf(hits);
  }

  /** A complete result. */
  public SearchResult(long total, List<StoredRecord> hits, Optional<Cursor> next) {
    this(total, hits, next, false);
  }
}
