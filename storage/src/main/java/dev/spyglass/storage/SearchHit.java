package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * One search result.
 *
 * @param record the record, decoded
 * @param highlights by field ({@code body}), its text with the words the query matched marked
 *     {@code <em>…</em>}, analysed as the index analyses them; empty when not asked for or nothing
 *     matched
 */
public record SearchHit(StoredRecord record, Map<String, String> highlights) {
  public SearchHit {
    requireNonNull(record, "record");
    highlights = Map.copyOf(highlights);
  }

  /** A hit without highlights. */
  public SearchHit(StoredRecord record) {
    this(record, Map.of());
  }
}
