package dev.spyglass.storage;

import dev.spyglass.pipeline.Signal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.Weight;

/**
 * Reads the Lucene partitions. Partitions are disjoint in time, so a newest-first search walks them
 * newest first and stops when the page is full; a cursor skips partitions newer than it.
 */
final class LuceneReader implements TelemetryReader {
  private static final Set<String> SOURCE_ONLY = Set.of(DocumentBuilder.SOURCE);
  private static final Sort OLDEST_FIRST =
      new Sort(
          new SortField(DocumentBuilder.TIMESTAMP, SortField.Type.LONG),
          new SortField(DocumentBuilder.LSN, SortField.Type.LONG),
          new SortField(DocumentBuilder.POSITION, SortField.Type.LONG));

  private final PartitionSet partitions;
  private final boolean leadingWildcard;

  LuceneReader(PartitionSet partitions, boolean leadingWildcard) {
    this.partitions = partitions;
    this.leadingWildcard = leadingWildcard;
  }

  @Override
  public SearchResult search(SearchRequest request) throws IOException {
    Query query =
        new BooleanQuery.Builder()
            .add(QueryParsing.parse(request.query(), leadingWildcard), BooleanClause.Occur.FILTER)
            .add(
                NumericDocValuesField.newSlowRangeQuery(
                    DocumentBuilder.TIMESTAMP, request.startNanos(), request.endNanos()),
                BooleanClause.Occur.FILTER)
            .build();
    Sort sort = request.oldestFirst() ? OLDEST_FIRST : Partition.SORT;
    long deadline =
        request.timeout().isZero()
            ? Long.MAX_VALUE
            : System.nanoTime() + request.timeout().toNanos();
    long total = 0;
    boolean partial = false;
    List<StoredRecord> hits = new ArrayList<>();
    Optional<Cursor> after = request.after();
    for (Partition partition :
        partitions.overlapping(
            request.signal(), request.startNanos(), request.endNanos(), !request.oldestFirst())) {
      if (System.nanoTime() >= deadline) {
        partial = true;
        break;
      }
      IndexSearcher shared = partition.acquire();
      try {
        // A searcher of its own, so that its timeout concerns this request alone.
        IndexSearcher searcher = new IndexSearcher(shared.getIndexReader());
        searcher.setQueryCache(null);
        searcher.setTimeout(() -> System.nanoTime() >= deadline);
        total += count(searcher, query);
        int wanted = request.limit() - hits.size();
        if (wanted > 0 && !passed(partition, after, request.oldestFirst())) {
          TopDocs top =
              after.isPresent()
                  ? searcher.searchAfter(fieldDoc(after.get(), searcher), query, wanted, sort)
                  : searcher.search(query, wanted, sort);
          collect(searcher, top.scoreDocs, request.signal(), hits);
        }
        partial |= searcher.timedOut();
      } finally {
        partition.release(shared);
      }
    }
    Optional<Cursor> next =
        hits.size() == request.limit() ? Optional.of(hits.getLast().cursor()) : Optional.empty();
    return new SearchResult(total, hits, next, partial);
  }

  /** True when every record of the partition comes before the cursor in this order. */
  private static boolean passed(Partition partition, Optional<Cursor> after, boolean oldestFirst) {
    if (after.isEmpty()) {
      return false;
    }
    long cursor = after.get().timestampNanos();
    return oldestFirst ? partition.endNanos() <= cursor : partition.startNanos() > cursor;
  }

  /**
   * Visits every segment of the partitions overlapping [start, end] of {@code signal} with the
   * documents matching {@code query} in that range.
   */
  void visitMatches(
      Signal signal, String query, long startNanos, long endNanos, SegmentVisitor visitor)
      throws IOException {
    Query filter =
        new BooleanQuery.Builder()
            .add(QueryParsing.parse(query, leadingWildcard), BooleanClause.Occur.FILTER)
            .add(
                NumericDocValuesField.newSlowRangeQuery(
                    DocumentBuilder.TIMESTAMP, startNanos, endNanos),
                BooleanClause.Occur.FILTER)
            .build();
    for (Partition partition : partitions.overlapping(signal, startNanos, endNanos, true)) {
      IndexSearcher searcher = partition.acquire();
      try {
        Weight weight =
            searcher.createWeight(searcher.rewrite(filter), ScoreMode.COMPLETE_NO_SCORES, 1f);
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
          Scorer scorer = weight.scorer(leaf);
          if (scorer != null) {
            visitor.visit(leaf.reader(), scorer.iterator());
          }
        }
      } finally {
        partition.release(searcher);
      }
    }
  }

  @Override
  public List<StoredRecord> trace(String traceIdHex, long startNanos, long endNanos, int limit)
      throws IOException {
    Query query = new TermQuery(new Term("trace_id", traceIdHex.toLowerCase(Locale.ROOT)));
    List<StoredRecord> records = new ArrayList<>();
    for (Signal signal : List.of(Signal.TRACES, Signal.LOGS)) {
      List<StoredRecord> ofSignal = new ArrayList<>();
      for (Partition partition : partitions.overlapping(signal, startNanos, endNanos, true)) {
        int wanted = limit - ofSignal.size();
        if (wanted <= 0) {
          break;
        }
        IndexSearcher searcher = partition.acquire();
        try {
          collect(
              searcher, searcher.search(query, wanted, Partition.SORT).scoreDocs, signal, ofSignal);
        } finally {
          partition.release(searcher);
        }
      }
      records.addAll(ofSignal);
    }
    return records;
  }

  @Override
  public Map<String, FieldKind> fields(Signal signal) throws IOException {
    Map<String, FieldKind> fields = new TreeMap<>();
    for (Partition partition :
        partitions.overlapping(signal, Long.MIN_VALUE, Long.MAX_VALUE, true)) {
      IndexSearcher searcher = partition.acquire();
      try {
        for (FieldInfo field : FieldInfos.getMergedFieldInfos(searcher.getIndexReader())) {
          kind(field).ifPresent(kind -> fields.put(field.getName(), kind));
        }
      } finally {
        partition.release(searcher);
      }
    }
    return fields;
  }

  private static Optional<FieldKind> kind(FieldInfo field) {
    String name = field.getName();
    if (name.startsWith("_")) {
      return Optional.empty();
    }
    if (name.equals(DocumentBuilder.TIMESTAMP) || name.endsWith("_timestamp")) {
      return Optional.of(FieldKind.TIME);
    }
    if (field.getPointDimensionCount() > 0) {
      return Optional.of(FieldKind.NUMBER);
    }
    if (field.getIndexOptions() == IndexOptions.DOCS_AND_FREQS_AND_POSITIONS) {
      return Optional.of(FieldKind.TEXT);
    }
    if (field.getIndexOptions() != IndexOptions.NONE) {
      return Optional.of(FieldKind.KEYWORD);
    }
    return Optional.empty();
  }

  private static long count(IndexSearcher searcher, Query query) throws IOException {
    try {
      return searcher.count(query);
    } catch (IndexSearcher.TooManyClauses e) {
      throw new InvalidQueryException("query has too many clauses: " + e.getMessage(), e);
    }
  }

  private static void collect(
      IndexSearcher searcher, ScoreDoc[] docs, Signal signal, List<StoredRecord> into)
      throws IOException {
    var stored = searcher.storedFields();
    for (ScoreDoc doc : docs) {
      FieldDoc fieldDoc = (FieldDoc) doc;
      long timestamp = (Long) fieldDoc.fields[0];
      long lsn = (Long) fieldDoc.fields[1];
      int position = ((Long) fieldDoc.fields[2]).intValue();
      byte[] source =
          stored.document(doc.doc, SOURCE_ONLY).getBinaryValue(DocumentBuilder.SOURCE).bytes;
      into.add(new StoredRecord(signal, timestamp, source, new Cursor(timestamp, lsn, position)));
    }
  }

  /**
   * The cursor as a search-after point. Sort values are unique, so the doc id only matters for the
   * cursor's own record, which the highest doc id keeps out of the next page.
   */
  private static FieldDoc fieldDoc(Cursor cursor, IndexSearcher searcher) {
    return new FieldDoc(
        Math.max(0, searcher.getIndexReader().maxDoc() - 1),
        Float.NaN,
        new Object[] {cursor.timestampNanos(), cursor.lsn(), (long) cursor.position()});
  }
}
