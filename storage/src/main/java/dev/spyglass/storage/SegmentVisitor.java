package dev.spyglass.storage;

import java.io.IOException;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.search.DocIdSetIterator;

/**
 * Receives, one index segment at a time, the documents a query matches, for aggregations over doc
 * values: {@code timestamp}, {@code duration}, {@code severity_number}, {@code value} as numeric
 * doc values; {@code service.name}, {@code name}, {@code severity_text}, {@code kind}, {@code
 * status.code}, {@code metric.name}, {@code metric.type} as sorted-set doc values.
 */
@FunctionalInterface
public interface SegmentVisitor {

  /** {@code matches} iterates the segment's matching doc ids in order. */
  void visit(LeafReader segment, DocIdSetIterator matches) throws IOException;
}
