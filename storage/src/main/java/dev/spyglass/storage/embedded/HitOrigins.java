package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.RecordOrigin;
import dev.spyglass.storage.StoredRecords;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.BytesRef;

/**
 * The origins of a page of hits ({@value DocumentBuilder#ORIGIN}, docs/adr/0024): looked up in doc
 * id order, as doc values are read, and each distinct origin decoded once per segment.
 */
final class HitOrigins {
  private HitOrigins() {}

  /**
   * The origin of each hit, in the hits' order; {@code null} for a document that stores its whole
   * request.
   */
  static RecordOrigin[] of(IndexReader reader, ScoreDoc[] hits, Signal signal) throws IOException {
    Integer[] byDoc = new Integer[hits.length];
    for (int i = 0; i < hits.length; i++) {
      byDoc[i] = i;
    }
    Arrays.sort(byDoc, (a, b) -> Integer.compare(hits[a].doc, hits[b].doc));
    List<LeafReaderContext> leaves = reader.leaves();
    RecordOrigin[] origins = new RecordOrigin[hits.length];
    int leaf = -1;
    SortedDocValues values = null;
    Map<Integer, RecordOrigin> decoded = new HashMap<>();
    for (int i : byDoc) {
      int doc = hits[i].doc;
      int at = ReaderUtil.subIndex(doc, leaves);
      if (at != leaf) {
        leaf = at;
        values = DocValues.getSorted(leaves.get(at).reader(), DocumentBuilder.ORIGIN);
        decoded.clear();
      }
      if (values.advanceExact(doc - leaves.get(at).docBase)) {
        SortedDocValues from = values;
        origins[i] =
            decoded.computeIfAbsent(
                from.ordValue(), ord -> StoredRecords.decodeOrigin(signal, bytes(from, ord)));
      }
    }
    return origins;
  }

  private static byte[] bytes(SortedDocValues values, int ord) {
    try {
      BytesRef value = values.lookupOrd(ord);
      return Arrays.copyOfRange(value.bytes, value.offset, value.offset + value.length);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
