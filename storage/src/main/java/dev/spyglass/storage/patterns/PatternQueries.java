package dev.spyglass.storage.patterns;

import dev.spyglass.storage.LogPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Rewrites {@code pattern.id:X} into the ids given at ingest that are part of X's pattern now: the
 * index holds each record's id as it was given, and patterns merge later.
 */
public final class PatternQueries {
  private static final String PATTERN_ID = "pattern.id";

  private PatternQueries() {}

  /**
   * {@code query} as every read of the store parses it — searches, aggregations and live tails:
   * Lucene syntax, each {@code pattern.id:X} standing for every id now part of X's pattern.
   */
  public static Query parse(String query, boolean leadingWildcard, PatternState patterns) {
    Query parsed = dev.spyglass.storage.query.QuerySyntax.parse(query, leadingWildcard);
    return patterns == null ? parsed : expand(parsed, patterns::resolve);
  }

  public static Query expand(Query query, Function<String, Optional<LogPattern>> patterns) {
    return switch (query) {
      case TermQuery term when term.getTerm().field().equals(PATTERN_ID) -> {
        Optional<LogPattern> pattern = patterns.apply(term.getTerm().text());
        if (pattern.isEmpty()
            || pattern.get().ids().size() <= 1
                && pattern.get().ids().contains(term.getTerm().text())) {
          yield query;
        }
        List<BytesRef> ids = new ArrayList<>();
        for (String id : pattern.get().ids()) {
          ids.add(new BytesRef(id));
        }
        yield new TermInSetQuery(PATTERN_ID, ids);
      }
      case BooleanQuery bool -> {
        BooleanQuery.Builder rebuilt =
            new BooleanQuery.Builder()
                .setMinimumNumberShouldMatch(bool.getMinimumNumberShouldMatch());
        for (BooleanClause clause : bool.clauses()) {
          rebuilt.add(expand(clause.query(), patterns), clause.occur());
        }
        yield rebuilt.build();
      }
      case BoostQuery boost -> new BoostQuery(expand(boost.getQuery(), patterns), boost.getBoost());
      case ConstantScoreQuery constant ->
          new ConstantScoreQuery(expand(constant.getQuery(), patterns));
      default -> query;
    };
  }
}
