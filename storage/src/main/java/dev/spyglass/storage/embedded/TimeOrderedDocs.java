package dev.spyglass.storage.embedded;

import java.io.IOException;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.DocValuesSkipper;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.Sort;

/**
 * A segment's documents in the order of the index sort (newest timestamp first, {@link
 * Partition#SORT}): every time range is one run of document ids, found by binary search rather than
 * by reading each document's timestamp.
 */
final class TimeOrderedDocs {
  private final LeafReader segment;
  private NumericDocValues timestamps;
  private int last = Integer.MAX_VALUE;

  private TimeOrderedDocs(LeafReader segment) {
    this.segment = segment;
  }

  /**
   * The segment's documents by time, or {@code null} when it is not sorted newest first or some
   * document has no timestamp.
   */
  static TimeOrderedDocs of(LeafReader segment) throws IOException {
    Sort sort = segment.getMetaData().sort();
    if (sort == null
        || sort.getSort().length == 0
        || !sort.getSort()[0].getField().equals(DocumentBuilder.TIMESTAMP)
        || !sort.getSort()[0].getReverse()) {
      return null;
    }
    DocValuesSkipper skipper = segment.getDocValuesSkipper(DocumentBuilder.TIMESTAMP);
    if (skipper == null || skipper.docCount() != segment.maxDoc()) {
      return null;
    }
    return new TimeOrderedDocs(segment);
  }

  /** The timestamp of {@code doc}. */
  long timestamp(int doc) throws IOException {
    if (timestamps == null || doc < last) {
      timestamps = DocValues.getNumeric(segment, DocumentBuilder.TIMESTAMP); // iterators go forward
    }
    last = doc;
    if (!timestamps.advanceExact(doc)) {
      throw new IllegalStateException("document " + doc + " has no timestamp");
    }
    return timestamps.longValue();
  }

  /** The first document in [from, to) older than {@code nanos}; {@code to} when there is none. */
  int firstOlderThan(int from, int to, long nanos) throws IOException {
    int low = from;
    int high = to;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (timestamp(middle) < nanos) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low;
  }

  /** The run of documents with timestamps in [start, end], as {from, to}. */
  int[] within(long startNanos, long endNanos) throws IOException {
    int maxDoc = segment.maxDoc();
    int from = endNanos == Long.MAX_VALUE ? 0 : firstOlderThan(0, maxDoc, endNanos + 1);
    int to = firstOlderThan(from, maxDoc, startNanos);
    return new int[] {from, to};
  }
}
