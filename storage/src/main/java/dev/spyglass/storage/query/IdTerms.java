package dev.spyglass.storage.query;

import dev.spyglass.storage.InvalidQueryException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.MultiTermQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RegexpQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Trace and span ids as a store that indexes them as their bytes reads them (docs/adr/0025): the
 * query says {@code trace_id:4bf92f35…} in hex, in either case; the index holds the 16 (or 8)
 * bytes, half the terms-dictionary size of their hex. A whole id and a hex prefix ({@code
 * trace_id:4bf9*}, odd lengths too) are rewritten to bytes; a hex range with even-length bounds
 * too; other patterns on an id (wildcards inside, regular expressions, fuzzy) are refused, and a
 * value that is not hex matches nothing, as no id can equal it.
 */
public final class IdTerms {
  /** The fields holding ids. */
  public static final Set<String> FIELDS = Set.of("trace_id", "span_id", "parent_span_id");

  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern HEX_DIGITS = Pattern.compile("[0-9a-fA-F]*");

  private IdTerms() {}

  /** An id's indexed term. */
  public static BytesRef term(byte[] id) {
    return new BytesRef(id);
  }

  /** {@code query} with every term on an id field as the id's bytes. */
  public static Query asBytes(Query query) {
    return switch (query) {
      case TermQuery term when FIELDS.contains(term.getTerm().field()) -> {
        String hex = term.getTerm().text();
        yield isHex(hex, true)
            ? new TermQuery(new Term(term.getTerm().field(), new BytesRef(HEX.parseHex(hex))))
            : new MatchNoDocsQuery(term.getTerm().field() + " holds hex ids");
      }
      case PrefixQuery prefix when FIELDS.contains(prefix.getField()) ->
          prefix(prefix.getField(), prefix.getPrefix().text());
      case WildcardQuery wildcard
          when FIELDS.contains(wildcard.getField()) && wildcard.getTerm().text().equals("*") ->
          new PrefixQuery(new Term(wildcard.getField(), new BytesRef()));
      case TermRangeQuery range when FIELDS.contains(range.getField()) -> range(range);
      case MultiTermQuery other
          when (other instanceof WildcardQuery
                  || other instanceof RegexpQuery
                  || other instanceof FuzzyQuery)
              && FIELDS.contains(other.getField()) ->
          throw refused(other.getField());
      case BooleanQuery bool -> {
        BooleanQuery.Builder rebuilt =
            new BooleanQuery.Builder()
                .setMinimumNumberShouldMatch(bool.getMinimumNumberShouldMatch());
        for (BooleanClause clause : bool.clauses()) {
          rebuilt.add(asBytes(clause.query()), clause.occur());
        }
        yield rebuilt.build();
      }
      case BoostQuery boost -> new BoostQuery(asBytes(boost.getQuery()), boost.getBoost());
      case ConstantScoreQuery constant -> new ConstantScoreQuery(asBytes(constant.getQuery()));
      default -> query;
    };
  }

  /** Every id beginning with {@code hex}, which may end in half a byte. */
  private static Query prefix(String field, String hex) {
    if (!isHex(hex, false)) {
      return new MatchNoDocsQuery(field + " holds hex ids");
    }
    byte[] whole = HEX.parseHex(hex, 0, hex.length() & ~1);
    if (hex.length() % 2 == 0) {
      return new PrefixQuery(new Term(field, new BytesRef(whole)));
    }
    // Half a byte more: ids whose next byte lies in [n0, nf].
    int nibble = Character.digit(hex.charAt(hex.length() - 1), 16);
    byte[] from = Arrays.copyOf(whole, whole.length + 1);
    from[whole.length] = (byte) (nibble << 4);
    byte[] until;
    if (nibble < 15) {
      until = Arrays.copyOf(whole, whole.length + 1);
      until[whole.length] = (byte) ((nibble + 1) << 4);
    } else {
      until = successor(whole);
    }
    return new TermRangeQuery(
        field, new BytesRef(from), until == null ? null : new BytesRef(until), true, false);
  }

  /**
   * The smallest byte string greater than every one beginning with {@code prefix}; null if none.
   */
  private static byte[] successor(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xff) {
        byte[] next = Arrays.copyOf(prefix, i + 1);
        next[i]++;
        return next;
      }
    }
    return null;
  }

  private static Query range(TermRangeQuery range) {
    BytesRef lower = bound(range.getField(), range.getLowerTerm());
    BytesRef upper = bound(range.getField(), range.getUpperTerm());
    return new TermRangeQuery(
        range.getField(), lower, upper, range.includesLower(), range.includesUpper());
  }

  private static BytesRef bound(String field, BytesRef hex) {
    if (hex == null) {
      return null;
    }
    String text = hex.utf8ToString();
    if (!isHex(text, true)) {
      throw new InvalidQueryException(
          "id_query",
          "a range on "
              + field
              + " takes ids of whole bytes (an even number of hex digits), not '"
              + text
              + "'");
    }
    return new BytesRef(HEX.parseHex(text));
  }

  private static InvalidQueryException refused(String field) {
    return new InvalidQueryException(
        "id_query",
        field
            + " is searched by a whole id or a hex prefix ("
            + field
            + ":4bf92f35*); wildcards inside an id, regular expressions and fuzzy terms are not"
            + " supported on ids");
  }

  private static boolean isHex(String text, boolean wholeBytes) {
    return HEX_DIGITS.matcher(text).matches() && (!wholeBytes || text.length() % 2 == 0);
  }
}
