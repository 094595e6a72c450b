package dev.spyglass.query.alerts;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses an alert rule's {@code expr} (docs/alerts.md):
 *
 * <pre>
 * expr     := sum [ ('&gt;' | '&gt;=' | '&lt;' | '&lt;=' | '==' | '!=') sum ]
 * sum      := product { ('+' | '-') product }
 * product  := unary { ('*' | '/') unary }
 * unary    := '-' unary | number | '(' sum ')' | 'absent' '(' sum ')' | selector
 * selector := function '(' [ args ] ')' '[' duration ']' [ 'by' '(' field { ',' field } ')' ]
 * </pre>
 *
 * Logs and spans functions take an optional query string; metric functions a metric name and an
 * optional query. Numbers may carry a duration unit (seconds) or {@code %} (a fraction).
 */
public final class ExpressionParser {
  /** The longest expression accepted. */
  public static final int MAX_LENGTH = 16_384;

  private static final int MAX_DEPTH = 64;

  private final String text;
  private int at;
  private int depth;

  private ExpressionParser(String text) {
    this.text = text;
  }

  /**
   * Parses {@code text}.
   *
   * @throws ExpressionException saying what was expected, and where
   */
  public static Expression parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw new ExpressionException("longer than " + MAX_LENGTH + " characters", 0);
    }
    ExpressionParser parser = new ExpressionParser(text);
    Expression expression = parser.comparison();
    parser.space();
    if (parser.at < text.length()) {
      throw parser.error("unexpected '" + text.charAt(parser.at) + "'");
    }
    return expression;
  }

  private Expression comparison() {
    Expression left = sum();
    space();
    for (String operator : List.of(">=", "<=", "==", "!=", ">", "<")) {
      if (text.startsWith(operator, at)) {
        at += operator.length();
        Expression right = sum();
        space();
        if (at < text.length() && "<>=!".indexOf(text.charAt(at)) >= 0) {
          throw error("only one comparison is allowed, at the end");
        }
        return new Expression.Comparison(operator, left, right);
      }
    }
    return left;
  }

  private Expression sum() {
    Expression left = product();
    while (true) {
      space();
      if (peek('+') || peek('-')) {
        char operator = text.charAt(at++);
        left = new Expression.Arithmetic(operator, left, product());
      } else {
        return left;
      }
    }
  }

  private Expression product() {
    Expression left = unary();
    while (true) {
      space();
      if (peek('*') || peek('/')) {
        char operator = text.charAt(at++);
        left = new Expression.Arithmetic(operator, left, unary());
      } else {
        return left;
      }
    }
  }

  private Expression unary() {
    if (++depth > MAX_DEPTH) {
      throw error("nested more than " + MAX_DEPTH + " deep");
    }
    try {
      space();
      if (at >= text.length()) {
        throw error("expected a number, a function such as logs_count(...) or '('");
      }
      char c = text.charAt(at);
      if (c == '-') {
        at++;
        return new Expression.Arithmetic('-', new Expression.Number(0), unary());
      }
      if (c == '(') {
        at++;
        Expression inner = sum();
        expect(')');
        return inner;
      }
      if (Character.isDigit(c) || c == '.') {
        return new Expression.Number(number());
      }
      if (Character.isLetter(c) || c == '_') {
        int start = at;
        String name = identifier();
        if (name.equals("absent")) {
          expect('(');
          Expression inner = sum();
          expect(')');
          return new Expression.Absent(inner);
        }
        return selector(name, start);
      }
      throw error("unexpected '" + c + "'");
    } finally {
      depth--;
    }
  }

  private Expression selector(String name, int start) {
    Expression.Function function;
    try {
      function = Expression.Function.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      at = start;
      throw error("unknown function '" + name + "'; known: absent, " + functions());
    }
    boolean metric = function.signal == dev.spyglass.pipeline.Signal.METRICS;
    expect('(');
    String metricName = "";
    String query = "";
    space();
    if (metric) {
      if (peek('"') || peek('\'')) {
        metricName = string();
      } else if (at < text.length() && Character.isLetter(text.charAt(at))) {
        metricName = identifier();
      } else {
        throw error(name + " needs a metric name, such as " + name + "(\"redis.up\")");
      }
      space();
      if (peek(',')) {
        at++;
        space();
        query = string();
      }
    } else if (peek('"') || peek('\'')) {
      query = string();
    }
    expect(')');
    space();
    if (!peek('[')) {
      throw error(name + "(...) needs a window, such as [5m]");
    }
    at++;
    space();
    int windowAt = at;
    while (at < text.length() && Character.isLetterOrDigit(text.charAt(at))) {
      at++;
    }
    long window;
    try {
      window = PromDuration.parse(text.substring(windowAt, at)).toNanos();
    } catch (IllegalArgumentException e) {
      at = windowAt;
      throw error(e.getMessage());
    }
    if (window < 1_000_000_000L) {
      at = windowAt;
      throw error("the window must be at least 1s");
    }
    expect(']');
    List<String> groupBy = groupBy(metric);
    return new Expression.Selector(function, metricName, query, window, groupBy);
  }

  private List<String> groupBy(boolean metric) {
    space();
    int save = at;
    if (!(at < text.length() && Character.isLetter(text.charAt(at)))) {
      return List.of();
    }
    if (!identifier().equals("by")) {
      at = save;
      return List.of();
    }
    expect('(');
    List<String> fields = new ArrayList<>();
    Set<String> labels = new HashSet<>();
    while (true) {
      space();
      int fieldAt = at;
      if (!(at < text.length() && Character.isLetter(text.charAt(at)))) {
        throw error("expected a field name, such as service.name");
      }
      String field = identifier();
      if (metric
          && !field.equals("service.name")
          && !field.startsWith("resource.")
          && !field.startsWith("attributes.")) {
        at = fieldAt;
        throw error(
            "metrics group by service.name, resource.<key> or attributes.<key>, not '"
                + field
                + "'");
      }
      if (!labels.add(Labels.nameOfField(field))) {
        at = fieldAt;
        throw error("'" + field + "' makes the same label as another field here");
      }
      fields.add(field);
      space();
      if (peek(',')) {
        at++;
        continue;
      }
      expect(')');
      return fields;
    }
  }

  private double number() {
    int start = at;
    while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
      at++;
    }
    if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
      int exponent = at++;
      if (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
        at++;
      }
      if (at < text.length() && Character.isDigit(text.charAt(at))) {
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
          at++;
        }
      } else {
        at = exponent;
      }
    }
    double value;
    try {
      value = Double.parseDouble(text.substring(start, at));
    } catch (NumberFormatException e) {
      at = start;
      throw error(
          "'" + text.substring(start, Math.min(text.length(), start + 20)) + "' is no number");
    }
    if (peek('%')) {
      at++;
      return value / 100;
    }
    if (at < text.length() && Character.isLetter(text.charAt(at))) {
      while (at < text.length() && Character.isLetterOrDigit(text.charAt(at))) {
        at++;
      }
      try {
        return PromDuration.parse(text.substring(start, at)).toNanos() / 1e9;
      } catch (IllegalArgumentException e) {
        at = start;
        throw error(e.getMessage());
      }
    }
    return value;
  }

  private String string() {
    char quote = text.charAt(at);
    if (quote != '"' && quote != '\'') {
      throw error("expected a quoted string");
    }
    int start = at++;
    StringBuilder out = new StringBuilder();
    while (at < text.length()) {
      char c = text.charAt(at++);
      if (c == quote) {
        return out.toString();
      }
      if (c == '\\' && at < text.length()) {
        char next = text.charAt(at++);
        if (next != quote && next != '\\') {
          out.append('\\'); // Lucene's own escapes pass through
        }
        out.append(next);
      } else {
        out.append(c);
      }
    }
    at = start;
    throw error("the string starting here has no closing " + quote);
  }

  private String identifier() {
    int start = at;
    while (at < text.length()) {
      char c = text.charAt(at);
      if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' && afterDot(start)) {
        at++;
      } else {
        break;
      }
    }
    return text.substring(start, at);
  }

  /** Allows dashes inside dotted field names ({@code resource.k8s.pod-name}), not in functions. */
  private boolean afterDot(int start) {
    return text.substring(start, at).contains(".");
  }

  private void expect(char c) {
    space();
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
    at++;
  }

  private boolean peek(char c) {
    return at < text.length() && text.charAt(at) == c;
  }

  private void space() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }

  private ExpressionException error(String message) {
    return new ExpressionException(message, Math.min(at, text.length()));
  }

  private static String functions() {
    List<String> names = new ArrayList<>();
    for (Expression.Function function : Expression.Function.values()) {
      names.add(function.spelling());
    }
    return String.join(", ", names);
  }
}
