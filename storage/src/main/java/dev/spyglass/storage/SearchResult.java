package dev.spyglass.storage;

import java.util.List;
import java.util.Optional;

/**
 * A page of search results.
 *
 * @param total how many records match in the time range (all pages)
 * @param hits this page, newest first
 * @param next where the next page starts; empty when this page is the last
 */
public record SearchResult(long total, List<StoredRecord> hits, Optional<Cursor> next) {

  public SearchResult {
    hits = List.copyOf(hits);
  }
}
