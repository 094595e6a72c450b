package dev.spyglass.storage;

import java.util.List;

/**
 * Receives a live tail. Called on the store's tail thread, one call at a time: implementations hand
 * the records on and return, never block.
 */
public interface TailListener {

  /** The matching records of acknowledged requests, in acknowledgement order. */
  void records(List<StoredRecord> records);

  /** {@code count} matching records were left out because the tail fell behind acknowledgements. */
  void dropped(long count);

  /** The store closed; nothing more will come. */
  void closed();
}
