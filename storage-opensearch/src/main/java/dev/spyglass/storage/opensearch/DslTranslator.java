package dev.spyglass.storage.opensearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spyglass.storage.InvalidQueryException;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PointRangeQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RegexpQuery;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.WildcardQuery;

/**
 * The API's query, as {@link dev.spyglass.storage.query.QuerySyntax} parsed it — the embedded
 * store's own parse tree — written as OpenSearch query DSL, so both stores answer the same question
 * (docs/adr/0018). Terms are already analysed (body's lower-cased words, keywords whole), so they
 * become {@code term} queries, never re-analysed.
 */
final class DslTranslator {
  private DslTranslator() {}

  static ObjectNode translate(Query query) {
    ObjectNode out = Connection.JSON.createObjectNode();
    switch (query) {
      case MatchAllDocsQuery all -> out.putObject("match_all");
      case MatchNoDocsQuery none -> out.putObject("match_none");
      case TermQuery term ->
          out.putObject("term").put(term.getTerm().field(), term.getTerm().text());
      case BoostQuery boost -> {
        return translate(boost.getQuery());
      }
      case PhraseQuery phrase -> {
        Term[] terms = phrase.getTerms();
        if (terms.length == 0) {
          out.putObject("match_none");
        } else {
          // Each term is one analysed word; a span of term positions says the same as the phrase.
          ObjectNode spans = out.putObject("span_near");
          ArrayNode clauses = spans.putArray("clauses");
          for (Term term : terms) {
            clauses.addObject().putObject("span_term").put(term.field(), term.text());
          }
          spans.put("slop", phrase.getSlop());
          spans.put("in_order", true);
        }
      }
      case BooleanQuery bool -> {
        ObjectNode node = out.putObject("bool");
        for (BooleanClause clause : bool.clauses()) {
          String occur =
              switch (clause.occur()) {
                case MUST -> "must";
                case FILTER -> "filter";
                case SHOULD -> "should";
                case MUST_NOT -> "must_not";
              };
          node.withArray(occur).add(translate(clause.query()));
        }
        if (bool.getMinimumNumberShouldMatch() > 0) {
          node.put("minimum_should_match", bool.getMinimumNumberShouldMatch());
        } else if (node.has("should") && !node.has("must") && !node.has("filter")) {
          node.put("minimum_should_match", 1);
        }
      }
      case TermRangeQuery range -> {
        ObjectNode node = out.putObject("range").putObject(range.getField());
        if (range.getLowerTerm() != null) {
          node.put(range.includesLower() ? "gte" : "gt", range.getLowerTerm().utf8ToString());
        }
        if (range.getUpperTerm() != null) {
          node.put(range.includesUpper() ? "lte" : "lt", range.getUpperTerm().utf8ToString());
        }
      }
      case PointRangeQuery range -> {
        ObjectNode node = out.putObject("range").putObject(range.getField());
        byte[] lower = range.getLowerPoint();
        byte[] upper = range.getUpperPoint();
        switch (range.getBytesPerDim()) {
          case Integer.BYTES -> {
            int low = IntPoint.decodeDimension(lower, 0);
            int high = IntPoint.decodeDimension(upper, 0);
            if (low != Integer.MIN_VALUE) {
              node.put("gte", low);
            }
            if (high != Integer.MAX_VALUE) {
              node.put("lte", high);
            }
          }
          case Long.BYTES -> {
            if (range.getField().endsWith("#num") || isDouble(range.getField())) {
              double low = DoublePoint.decodeDimension(lower, 0);
              double high = DoublePoint.decodeDimension(upper, 0);
              if (low != Double.NEGATIVE_INFINITY) {
                node.put("gte", low);
              }
              if (high != Double.POSITIVE_INFINITY) {
                node.put("lte", high);
              }
            } else {
              long low = LongPoint.decodeDimension(lower, 0);
              long high = LongPoint.decodeDimension(upper, 0);
              if (low != Long.MIN_VALUE) {
                node.put("gte", low);
              }
              if (high != Long.MAX_VALUE) {
                node.put("lte", high);
              }
            }
          }
          default -> throw unsupported(query);
        }
      }
      case TermInSetQuery set -> {
        ArrayNode values = out.putObject("terms").putArray(set.getField());
        try {
          var terms = set.getBytesRefIterator();
          for (var term = terms.next(); term != null; term = terms.next()) {
            values.add(term.utf8ToString());
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      case PrefixQuery prefix ->
          out.putObject("prefix").put(prefix.getPrefix().field(), prefix.getPrefix().text());
      case WildcardQuery wildcard ->
          out.putObject("wildcard").put(wildcard.getTerm().field(), wildcard.getTerm().text());
      case RegexpQuery regexp ->
          out.putObject("regexp").put(regexp.getRegexp().field(), regexp.getRegexp().text());
      case FuzzyQuery fuzzy -> {
        ObjectNode node = out.putObject("fuzzy").putObject(fuzzy.getTerm().field());
        node.put("value", fuzzy.getTerm().text());
        node.put("fuzziness", fuzzy.getMaxEdits());
        node.put("prefix_length", fuzzy.getPrefixLength());
      }
      default -> throw unsupported(query);
    }
    return out;
  }

  /** The API's double-valued core fields (the others are whole numbers). */
  private static boolean isDouble(String field) {
    return field.equals("value") || field.equals("sum");
  }

  private static InvalidQueryException unsupported(Query query) {
    return new InvalidQueryException(
        "unsupported_query",
        "this part of the query cannot run on OpenSearch: "
            + query
            + " ("
            + query.getClass().getSimpleName()
            + ")");
  }
}
