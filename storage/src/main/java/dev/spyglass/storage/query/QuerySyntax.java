package dev.spyglass.storage.query;

import dev.spyglass.storage.InvalidQueryException;
import java.text.NumberFormat;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.queryparser.flexible.core.QueryNodeException;
import org.apache.lucene.queryparser.flexible.standard.StandardQueryParser;
import org.apache.lucene.queryparser.flexible.standard.config.PointsConfig;
import org.apache.lucene.queryparser.flexible.standard.config.StandardQueryConfigHandler;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;

/**
 * The query language of Spyglass's API, one parser for every store: Lucene query syntax over the
 * OTel field names — keywords exact and case-sensitive, {@code body} analysed, ranges on the
 * numeric fields and on numeric attributes ({@code <name>#num}), AND as the default operator,
 * {@code body} as the default field, no leading wildcards, {@code field:>=17} as Elasticsearch
 * writes it, and a query of exclusions only matching the rest. The embedded store runs the parsed
 * query; other engines translate it (docs/adr/0018).
 */
public final class QuerySyntax {
  /** The suffix of the field that holds a numeric attribute's number. */
  public static final String NUMERIC_SUFFIX = "#num";

  private static final Map<String, PointsConfig> NUMBERS =
      Map.of(
          "severity_number", new PointsConfig(integers(), Integer.class),
          "duration", new PointsConfig(integers(), Long.class),
          "count", new PointsConfig(integers(), Long.class),
          "value", new PointsConfig(decimals(), Double.class),
          "sum", new PointsConfig(decimals(), Double.class));

  private QuerySyntax() {}

  /** Whether {@code query} asks for every record: empty, {@code *} or {@code *:*}. */
  public static boolean matchesAll(String query) {
    String text = query == null ? "" : query.strip();
    return text.isEmpty() || text.equals("*") || text.equals("*:*");
  }

  /** Parses {@code query}; throws {@link InvalidQueryException} saying what is wrong. */
  public static Query parse(String query) {
    return parse(query, false);
  }

  /** As {@link #parse(String)}; {@code leadingWildcard} allows {@code *error}-style terms. */
  public static Query parse(String query, boolean leadingWildcard) {
    if (matchesAll(query)) {
      return MatchAllDocsQuery.INSTANCE;
    }
    String text = query.strip();
    StandardQueryParser parser = new StandardQueryParser(analyzer());
    parser.setAllowLeadingWildcard(leadingWildcard);
    parser.setDefaultOperator(StandardQueryConfigHandler.Operator.AND);
    Map<String, PointsConfig> points = new java.util.HashMap<>(NUMBERS);
    String rewritten = numericAttributeRanges(elasticsearchRanges(text), points);
    parser.setPointsConfigMap(points);
    try {
      Query parsed = parser.parse(rewritten, "body");
      if (!leadingWildcard) {
        refuseLeadingWildcardRegexps(parsed);
      }
      return negativesMatchTheRest(parsed);
    } catch (QueryNodeException e) {
      throw new InvalidQueryException("cannot parse query '" + text + "': " + e.getMessage(), e);
    } catch (RuntimeException e) {
      InvalidQueryException refused = refused(e);
      throw refused != null
          ? refused
          : new InvalidQueryException("cannot parse query '" + text + "': " + e.getMessage(), e);
    }
  }

  /** A regex that may begin with any character: {@code /.*foo/}, {@code /.+/}, {@code /[^a]x/}. */
  private static final java.util.regex.Pattern LEADING_ANY =
      java.util.regex.Pattern.compile("^\\(*(\\.|\\[\\^)");

  /**
   * A regex that can start with any character visits every term of its field, as a leading wildcard
   * does, and is refused as one ({@code query.allow_leading_wildcard} allows both).
   */
  private static void refuseLeadingWildcardRegexps(Query query) {
    switch (query) {
      case org.apache.lucene.search.BooleanQuery bool ->
          bool.clauses().forEach(clause -> refuseLeadingWildcardRegexps(clause.query()));
      case org.apache.lucene.search.BoostQuery boost ->
          refuseLeadingWildcardRegexps(boost.getQuery());
      case org.apache.lucene.search.ConstantScoreQuery constant ->
          refuseLeadingWildcardRegexps(constant.getQuery());
      case org.apache.lucene.search.RegexpQuery regexp -> {
        String text = regexp.getRegexp().text();
        if (LEADING_ANY.matcher(text).find()) {
          throw new InvalidQueryException(
              "leading_wildcard",
              "the regular expression /"
                  + text
                  + "/ can begin with any character, which reads every term of "
                  + regexp.getField()
                  + " like a leading wildcard; anchor its start (e.g. /GET.*/)");
        }
      }
      default -> {}
    }
  }

  /**
   * {@code NOT level:debug} on its own means every record but those, as in Elasticsearch and
   * Kibana; Lucene's parser makes it a query of prohibited clauses only, which matches nothing.
   * Such queries, at any depth, get an "all records" clause to take the exclusions from.
   */
  public static Query negativesMatchTheRest(Query query) {
    if (!(query instanceof org.apache.lucene.search.BooleanQuery bool)) {
      return query;
    }
    var rebuilt =
        new org.apache.lucene.search.BooleanQuery.Builder()
            .setMinimumNumberShouldMatch(bool.getMinimumNumberShouldMatch());
    boolean onlyProhibited = !bool.clauses().isEmpty();
    for (var clause : bool.clauses()) {
      rebuilt.add(negativesMatchTheRest(clause.query()), clause.occur());
      onlyProhibited &= clause.occur() == org.apache.lucene.search.BooleanClause.Occur.MUST_NOT;
    }
    if (onlyProhibited) {
      rebuilt.add(MatchAllDocsQuery.INSTANCE, org.apache.lucene.search.BooleanClause.Occur.FILTER);
    }
    return rebuilt.build();
  }

  /**
   * Elasticsearch's {@code field:>=17} becomes Lucene's {@code field>=17}, outside quoted phrases:
   * users of both write the former.
   */
  static String elasticsearchRanges(String query) {
    StringBuilder out = new StringBuilder(query.length());
    boolean quoted = false;
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '\\' && i + 1 < query.length()) {
        out.append(c).append(query.charAt(++i));
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      }
      boolean rangeAfterColon =
          !quoted && c == ':' && i + 1 < query.length() && "<>".indexOf(query.charAt(i + 1)) >= 0;
      if (!rangeAfterColon) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static final java.util.regex.Pattern ATTRIBUTE_RANGE =
      java.util.regex.Pattern.compile(
          "(?<![\\w.#])((?:attributes|resource)\\.[^\\s:()\"]+?)(?=(?:[<>]=?-?\\d)|(?::[\\[{]\\s*-?\\d[\\d.]*\\s+TO\\s+-?\\d))");

  /**
   * A range on an attribute ({@code attributes.http.response.status_code>=500}, or {@code :[500 TO
   * 599]}) is a range on its number, indexed as {@code <name>#num} (docs/adr/0005).
   */
  static String numericAttributeRanges(String query, Map<String, PointsConfig> points) {
    java.util.regex.Matcher matcher = ATTRIBUTE_RANGE.matcher(query);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String field = matcher.group(1) + NUMERIC_SUFFIX;
      points.put(field, new PointsConfig(decimals(), Double.class));
      matcher.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(field));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** Analyses {@code body} as text; every other field is an exact keyword. */
  public static org.apache.lucene.analysis.Analyzer analyzer() {
    return new org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper(
        new org.apache.lucene.analysis.core.KeywordAnalyzer(),
        Map.of("body", new org.apache.lucene.analysis.standard.StandardAnalyzer()));
  }

  /** A query too costly to run, as the caller's mistake; null for other failures. */
  public static InvalidQueryException refused(RuntimeException e) {
    return switch (e) {
      case InvalidQueryException invalid -> invalid;
      case org.apache.lucene.search.IndexSearcher.TooManyClauses tooMany ->
          new InvalidQueryException(
              "too_many_clauses",
              "the query expands to too many clauses: " + tooMany.getMessage(),
              tooMany);
      case org.apache.lucene.util.automaton.TooComplexToDeterminizeException complex ->
          new InvalidQueryException(
              "query_too_complex",
              "a regular expression is too complex: " + complex.getMessage(),
              complex);
      default -> null;
    };
  }

  private static NumberFormat integers() {
    NumberFormat format = NumberFormat.getIntegerInstance(Locale.ROOT);
    format.setGroupingUsed(false);
    return format;
  }

  private static NumberFormat decimals() {
    NumberFormat format = NumberFormat.getNumberInstance(Locale.ROOT);
    format.setGroupingUsed(false);
    return format;
  }
}
