package dev.spyglass.storage.embedded;

import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.InvalidQueryException;
import java.io.IOException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.ExitableDirectoryReader;
import org.apache.lucene.index.QueryTimeout;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.util.automaton.TooComplexToDeterminizeException;

/**
 * A searcher over one partition that holds a read's {@link Deadline}: collection stops at it
 * ({@link IndexSearcher#setTimeout}), and so does every term expansion (wildcards, regular
 * expressions, ranges), doc-values and points walk, which throw {@link
 * ExitableDirectoryReader.ExitingReaderException} past it. Release with {@link #close()}.
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

  static TimedSearcher open(Partition partition, Deadline deadline) throws IOException {
    IndexSearcher shared = partition.acquire();
    try {
      if (deadline.equals(Deadline.NONE)) {
        return new TimedSearcher(partition, shared, shared);
      }
      QueryTimeout timeout = deadline::expired;
      // A searcher of its own, so that its timeout concerns this read alone.
      IndexSearcher searcher =
          new IndexSearcher(
              ExitableDirectoryReader.wrap((DirectoryReader) shared.getIndexReader(), timeout));
      searcher.setQueryCache(null);
      searcher.setTimeout(timeout);
      return new TimedSearcher(partition, shared, searcher);
    } catch (IOException | RuntimeException e) {
      partition.release(shared);
      throw e;
    }
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
   * What the engine refuses about a query, as the caller's mistake; {@code null} for anything else.
   */
  static InvalidQueryException refused(RuntimeException e) {
    return switch (e) {
      case InvalidQueryException invalid -> invalid;
      case IndexSearcher.TooManyClauses tooMany ->
          new InvalidQueryException(
              "too_many_clauses",
              "the query expands to too many clauses: " + tooMany.getMessage(),
              tooMany);
      case TooComplexToDeterminizeException complex ->
          new InvalidQueryException(
              "query_too_complex",
              "a regular expression is too complex: " + complex.getMessage(),
              complex);
      default -> null;
    };
  }
}
