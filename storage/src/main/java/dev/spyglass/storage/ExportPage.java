package dev.spyglass.storage;

import java.util.List;
import java.util.Optional;

/**
 * A page of an export.
 *
 * @param records newest first
 * @param next where the next page starts; empty after the last page
 * @param partial true when the page hit its deadline before it was complete: it is then empty and
 *     {@code next} is the request's own {@code after}, so the same page can be asked for again
 */
public record ExportPage(List<StoredRecord> records, Optional<Cursor> next, boolean partial) {
  public ExportPage {
    records = List.copyOf(records);
  }
}
