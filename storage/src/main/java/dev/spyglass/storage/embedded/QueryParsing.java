package dev.spyglass.storage.embedded;

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
 * Lucene query syntax over the OTel field names: keywords exact and case-sensitive, {@code body}
 * analysed, ranges on the numeric fields, AND as the default operator, {@code body} as the default
 * field, no leading wildcards.
 */
final class QueryParsing {
  private static final Map<String, PointsConfig> NUMBERS =
      Map.of(
          "severity_number", new PointsConfig(integers(), Integer.class),
          "duration", new PointsConfig(integers(), Long.class),
          "count", new PointsConfig(integers(), Long.class),
          "value", new PointsConfig(decimals(), Double.class),
          "sum", new PointsConfig(decimals(), Double.class));

  private QueryParsing() {}

  static Query parse(String query) {
    return parse(query, false);
  }

  /** As {@link #parse(String)}; {@code leadingWildcard} allows {@code *error}-style terms. */
  static Query parse(String query, boolean leadingWildcard) {
    String text = query.strip();
    if (text.isEmpty() || text.equals("*") || text.equals("*:*")) {
      return MatchAllDocsQuery.INSTANCE;
    }
    StandardQueryParser parser = new StandardQueryParser(Partition.analyzer());
    parser.setAllowLeadingWildcard(leadingWildcard);
    parser.setDefaultOperator(StandardQueryConfigHandler.Operator.AND);
    Map<String, PointsConfig> points = new java.util.HashMap<>(NUMBERS);
    String rewritten = numericAttributeRanges(elasticsearchRanges(text), points);
    parser.setPointsConfigMap(points);
    try {
      return negativesMatchTheRest(parser.parse(rewritten, "body"));
    } catch (QueryNodeException e) {
      throw new InvalidQueryException("cannot parse query '" + text + "': " + e.getMessage(), e);
    } catch (RuntimeException e) {
      InvalidQueryException refused = TimedSearcher.refused(e);
      throw refused != null
          ? refused
          : new InvalidQueryException("cannot parse query '" + text + "': " + e.getMessage(), e);
    }
  }

  /**
   * {@code NOT level:debug} on its own means every record but those, as in Elasticsearch and
   * Kibana; Lucene's parser makes it a query of prohibited clauses only, which matches nothing.
   * Such queries, at any depth, get an "all records" clause to take the exclusions from.
   */
  static Query negativesMatchTheRest(Query query) {
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
      String field = matcher.group(1) + DocumentBuilder.NUMERIC_SUFFIX;
      points.put(field, new PointsConfig(decimals(), Double.class));
      matcher.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(field));
    }
    matcher.appendTail(out);
    return out.toString();
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
