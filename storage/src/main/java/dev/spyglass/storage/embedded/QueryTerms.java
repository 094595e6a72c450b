package dev.spyglass.storage.embedded;

import dev.spyglass.storage.InvalidQueryException;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;

/** What a query looks for in a field, for highlighting matched terms. */
final class QueryTerms {
  private QueryTerms() {}

  /**
   * The analysed terms a query (Lucene syntax) matches in {@code field} (e.g. {@code body}); empty
   * for queries without terms there. Parses leniently.
   *
   * @throws InvalidQueryException if the query cannot be parsed
   */
  static Set<String> of(String query, String field) {
    return of(dev.spyglass.storage.query.QuerySyntax.parse(query, true), field);
  }

  /** The terms the parsed {@code query} matches in {@code field}. */
  static Set<String> of(Query query, String field) {
    Set<String> terms = new TreeSet<>();
    query.visit(
        new QueryVisitor() {
          @Override
          public boolean acceptField(String name) {
            return name.equals(field);
          }

          @Override
          public void consumeTerms(Query query, Term... matched) {
            for (Term term : matched) {
              terms.add(term.text());
            }
          }
        });
    return terms;
  }
}
