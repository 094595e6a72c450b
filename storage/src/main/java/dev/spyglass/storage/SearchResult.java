package dev.spyglass.storage;

import java.util.List;
import java.util.Optional;

/**
 * A page of search results.
 *
 * @param total how many records match in the time range (all pages; a lower bound when partial); -1
 *     when the request did not count
 * @param hits this page, in the requested order
 * @param next where the next page starts; empty when this page is the last
 * @param partial true when the search hit its deadline and returns what it had found
 */
public record SearchResult(
    long total, List<SearchHit> hits, Optional<Cursor> next, boolean partial) {

  public SearchResult {
    hits = List.copyOf(hits);
  }

  /** The records of this page, without their highlights. */
  public List<StoredRecord> records() {
    return hits.stream().map(SearchHit::record).toList();
  }
}
