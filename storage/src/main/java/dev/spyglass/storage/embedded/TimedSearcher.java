package dev.spyglass.storage.embedded;

import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.InvalidQueryException;
import java.io.IOException;
import java.util.function.Supplier;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.ExitableDirectoryReader;
import org.apache.lucene.index.QueryTimeout;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MultiTermQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.util.automaton.ByteRunAutomaton;

/**
 * A searcher over one partition that holds a read's {@link Deadline}: collection stops at it
 * ({@link IndexSearcher#setTimeout}); for a query that expands terms (wildcards, regular
 * expressions, prefixes, fuzzy terms, term ranges) so does the expansion, through {@link
 * ExitableDirectoryReader}, which throws {@link ExitableDirectoryReader.ExitingReaderException}
 * past it. Other queries keep the plain reader: its checks would cost on every doc-values and
 * points call. Loops over many documents check with {@link #checkEvery}. Release with {@link
 * #close()}.
 */
final class TimedSearcher implements AutoCloseable {
  private final Partition partition;
  private final IndexSearcher shared;
  private final IndexSearcher searcher;

  private TimedSearcher(Partition partition, IndexSearcher shared, IndexSearcher searcher) {
    this.partition = partition;
    this.shared = shared;
    this.searcher = searcher;
  }

  /** A searcher for running {@code query} under {@code deadline}. */
  static TimedSearcher open(Partition partition, Deadline deadline, Query query)
      throws IOException {
    IndexSearcher shared = partition.acquire();
    try {
      if (deadline.equals(Deadline.NONE)) {
        return new TimedSearcher(partition, shared, shared);
      }
      QueryTimeout timeout = deadline::expired;
      // A searcher of its own, so that its timeout concerns this read alone.
      IndexSearcher searcher =
          new IndexSearcher(
              expandsTerms(query)
                  ? ExitableDirectoryReader.wrap((DirectoryReader) shared.getIndexReader(), timeout)
                  : shared.getIndexReader());
      searcher.setQueryCache(null);
      searcher.setTimeout(timeout);
      return new TimedSearcher(partition, shared, searcher);
    } catch (IOException | RuntimeException e) {
      partition.release(shared);
      throw e;
    }
  }

  /** True when running {@code query} enumerates terms of the index to find what it matches. */
  static boolean expandsTerms(Query query) {
    boolean[] expands = {false};
    query.visit(
        new QueryVisitor() {
          @Override
          public void consumeTermsMatching(
              Query query, String field, Supplier<ByteRunAutomaton> automaton) {
            expands[0] = true;
          }

          @Override
          public void visitLeaf(Query leaf) {
            expands[0] |= leaf instanceof MultiTermQuery;
          }

          @Override
          public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
            return this;
          }
        });
    return expands[0];
  }

  IndexSearcher searcher() {
    return searcher;
  }

  /** True when collection stopped at the deadline. */
  boolean timedOut() {
    return searcher != shared && searcher.timedOut();
  }

  @Override
  public void close() {
    partition.release(shared);
  }

  /**
   * For loops over many documents outside the searcher's checks: every 1,024th call, stops the read
   * as {@link ExitableDirectoryReader} does when the deadline has passed.
   */
  static void checkEvery(int visited, Deadline deadline) {
    if ((visited & 1023) == 0) {
      check(deadline);
    }
  }

  /** Stops the read as {@link ExitableDirectoryReader} does when the deadline has passed. */
  static void check(Deadline deadline) {
    if (deadline.expired()) {
      throw new ExitableDirectoryReader.ExitingReaderException("the read ran past its deadline");
    }
  }

  /**
   * What the engine refuses about a query, as the caller's mistake; {@code null} for anything else.
   */
  static InvalidQueryException refused(RuntimeException e) {
    return dev.spyglass.storage.query.QuerySyntax.refused(e);
  }
}
