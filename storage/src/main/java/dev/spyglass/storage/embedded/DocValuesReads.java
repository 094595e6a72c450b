package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.Answer;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.InvalidQueryException;
import dev.spyglass.storage.Operation;
import dev.spyglass.storage.query.QuerySyntax;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.DocValuesSkipper;
import org.apache.lucene.index.ExitableDirectoryReader;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.LongBitSet;

/**
 * Reads that walk doc values instead of stored records: service names, operations and aggregations,
 * one segment at a time, under the read's deadline.
 */
final class DocValuesReads {

  /** Builds the query for a query text and a time range. */
  @FunctionalInterface
  interface Matching {
    Query of(String query, long startNanos, long endNanos);
  }

  /**
   * Receives the matching documents of one segment. {@code segment} is the segment's own reader,
   * without the deadline checks of {@link TimedSearcher}'s (they would cost on every doc-values
   * call): a visitor reading many documents calls {@link TimedSearcher#checkEvery} itself.
   */
  @FunctionalInterface
  interface SegmentVisitor {
    void visit(LeafReader segment, DocIdSetIterator matches, Deadline deadline) throws IOException;
  }

  private final PartitionSet partitions;
  private final Matching matching;

  DocValuesReads(PartitionSet partitions, Matching matching) {
    this.partitions = partitions;
    this.matching = matching;
  }

  Answer<List<String>> services(Signal signal, long startNanos, long endNanos, Deadline deadline)
      throws IOException {
    Set<String> services = new TreeSet<>();
    Query inRange = matching.of("*", startNanos, endNanos);
    boolean partial = false;
    for (Partition partition : partitions.overlapping(signal, startNanos, endNanos, true)) {
      if (deadline.expired()) {
        partial = true;
        break;
      }
      try (TimedSearcher timed = TimedSearcher.open(partition, deadline, inRange)) {
        IndexSearcher searcher = timed.searcher();
        Weight weight = null;
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
          SortedSetDocValues names = DocValues.getSortedSet(leaf.reader(), "service.name");
          if (within(leaf.reader(), startNanos, endNanos)) {
            TermsEnum terms = names.termsEnum();
            for (BytesRef term = terms.next(); term != null; term = terms.next()) {
              services.add(term.utf8ToString());
            }
            continue;
          }
          if (weight == null) {
            weight =
                searcher.createWeight(searcher.rewrite(inRange), ScoreMode.COMPLETE_NO_SCORES, 1f);
          }
          Scorer scorer = weight.scorer(leaf);
          if (scorer == null || names.getValueCount() == 0) {
            continue;
          }
          LongBitSet seen = new LongBitSet(names.getValueCount());
          DocIdSetIterator matches = scorer.iterator();
          int visited = 0;
          for (int doc = matches.nextDoc();
              doc != DocIdSetIterator.NO_MORE_DOCS;
              doc = matches.nextDoc()) {
            TimedSearcher.checkEvery(++visited, deadline);
            if (names.advanceExact(doc)) {
              seen.set(names.nextOrd());
            }
          }
          for (long ord = seen.nextSetBit(0); ord >= 0; ord = next(seen, ord)) {
            services.add(names.lookupOrd(ord).utf8ToString());
          }
        }
      } catch (ExitableDirectoryReader.ExitingReaderException e) {
        partial = true;
        break;
      }
    }
    return new Answer<>(List.copyOf(services), partial);
  }

  Answer<List<Operation>> operations(
      String service, long startNanos, long endNanos, Deadline deadline) throws IOException {
    Set<Operation> operations =
        new TreeSet<>(Comparator.comparing(Operation::name).thenComparing(Operation::spanKind));
    Query ofService =
        new BooleanQuery.Builder()
            .add(new TermQuery(new Term("service.name", service)), BooleanClause.Occur.FILTER)
            .add(matching.of("*", startNanos, endNanos), BooleanClause.Occur.FILTER)
            .build();
    boolean partial =
        visit(
            Signal.TRACES,
            ofService,
            startNanos,
            endNanos,
            deadline,
            (segment, matches, until) -> {
              SortedSetDocValues names = DocValues.getSortedSet(segment, "name");
              SortedSetDocValues kinds = DocValues.getSortedSet(segment, "kind");
              if (names.getValueCount() == 0) {
                return;
              }
              // Per name, the kinds seen as bits (a handful of kinds; the last bit: no kind).
              long[] kindsOfName = new long[Math.toIntExact(names.getValueCount())];
              int visited = 0;
              for (int doc = matches.nextDoc();
                  doc != DocIdSetIterator.NO_MORE_DOCS;
                  doc = matches.nextDoc()) {
                TimedSearcher.checkEvery(++visited, until);
                if (names.advanceExact(doc)) {
                  int kind = kinds.advanceExact(doc) ? (int) Math.min(kinds.nextOrd(), 62) : 63;
                  kindsOfName[(int) names.nextOrd()] |= 1L << kind;
                }
              }
              for (int name = 0; name < kindsOfName.length; name++) {
                long bits = kindsOfName[name];
                if (bits == 0) {
                  continue;
                }
                String operation = names.lookupOrd(name).utf8ToString();
                for (int kind = 0; kind < 64; kind++) {
                  if ((bits & (1L << kind)) != 0) {
                    operations.add(
                        new Operation(
                            operation,
                            kind == 63 ? "unspecified" : kinds.lookupOrd(kind).utf8ToString()));
                  }
                }
              }
            });
    return new Answer<>(List.copyOf(operations), partial);
  }

  AggregationResult aggregate(AggregationRequest request) throws IOException {
    DocValuesAggregation aggregation = new DocValuesAggregation(request);
    // Counts of every record in the range need no query: runs of the time-sorted segments.
    Shortcut counted =
        QuerySyntax.matchesAll(request.query()) && aggregation.countsOnly()
            ? aggregation::countInTimeOrder
            : (segment, until) -> false;
    boolean partial =
        visit(
            request.signal(),
            matching.of(request.query(), request.startNanos(), request.endNanos()),
            request.startNanos(),
            request.endNanos(),
            request.deadline(),
            counted,
            aggregation::visit);
    return aggregation.result(partial);
  }

  /** Reads a whole segment without its matching documents; false when it cannot. */
  @FunctionalInterface
  private interface Shortcut {
    boolean read(LeafReader segment, Deadline deadline) throws IOException;
  }

  /**
   * Visits every segment of the partitions overlapping [start, end] with the documents matching
   * {@code query}; true when it stopped at the deadline.
   */
  private boolean visit(
      Signal signal,
      Query query,
      long startNanos,
      long endNanos,
      Deadline deadline,
      SegmentVisitor visitor)
      throws IOException {
    return visit(signal, query, startNanos, endNanos, deadline, (segment, until) -> false, visitor);
  }

  /** As above; a segment {@code shortcut} reads is not searched. */
  private boolean visit(
      Signal signal,
      Query query,
      long startNanos,
      long endNanos,
      Deadline deadline,
      Shortcut shortcut,
      SegmentVisitor visitor)
      throws IOException {
    for (Partition partition : partitions.overlapping(signal, startNanos, endNanos, true)) {
      if (deadline.expired()) {
        return true;
      }
      try (TimedSearcher timed = TimedSearcher.open(partition, deadline, query)) {
        IndexSearcher searcher = timed.searcher();
        Weight weight = null; // made for the first segment the shortcut leaves
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
          LeafReader segment = FilterLeafReader.unwrap(leaf.reader());
          if (shortcut.read(segment, deadline)) {
            continue;
          }
          if (weight == null) {
            weight =
                searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
          }
          Scorer scorer = weight.scorer(leaf);
          if (scorer != null) {
            visitor.visit(segment, scorer.iterator(), deadline);
          }
        }
      } catch (ExitableDirectoryReader.ExitingReaderException e) {
        return true;
      } catch (RuntimeException e) {
        InvalidQueryException refused = TimedSearcher.refused(e);
        throw refused != null ? refused : e;
      }
    }
    return false;
  }

  /** True when every document of the segment has its timestamp in [start, end]. */
  private static boolean within(LeafReader segment, long startNanos, long endNanos)
      throws IOException {
    if (startNanos == Long.MIN_VALUE && endNanos == Long.MAX_VALUE) {
      return true;
    }
    DocValuesSkipper skipper = segment.getDocValuesSkipper(DocumentBuilder.TIMESTAMP);
    return skipper != null
        && skipper.docCount() == segment.maxDoc()
        && skipper.minValue() >= startNanos
        && skipper.maxValue() <= endNanos;
  }

  private static long next(LongBitSet bits, long ord) {
    return ord + 1 >= bits.length() ? -1 : bits.nextSetBit(ord + 1);
  }
}
