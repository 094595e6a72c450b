package dev.spyglass.query;

/**
 * Refuses queries that would be too costly before they reach the engine: too long (a 1 MB term),
 * nested too deep (10,000 parentheses would recurse the parser off the stack), regular expressions
 * — anywhere in the query — whose automaton would explode. Leading wildcards (and regexes that may
 * begin with any character), clause counts over 1,024 and regular expressions too complex to
 * determinize are refused by the parser or the engine and answered 400 (see {@link
 * ApiErrorHandler}).
 */
final class QueryGuard {
  static final int MAX_LENGTH = 8192;
  static final int MAX_DEPTH = 32;
  static final int MAX_REGEX_LENGTH = 256;
  static final int MAX_REPETITION = 100;
  private static final java.util.regex.Pattern REPETITION =
      java.util.regex.Pattern.compile("\\{(\\d+)(?:,(\\d*))?}");
  private static final java.util.regex.Pattern STACKED =
      java.util.regex.Pattern.compile("[}*+?]\\s*[{*+]");

  private QueryGuard() {}

  static String check(String query) {
    if (query.length() > MAX_LENGTH) {
      throw ApiException.badRequest(
          "query_too_long", "q is " + query.length() + " characters; the limit is " + MAX_LENGTH);
    }
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '\\') {
        i++;
      } else if (!quoted && c == '/') {
        // Lucene's syntax reads any unescaped slash outside quotes as the start of a regular
        // expression: after a colon, a parenthesis, +, -, ! or anywhere a term may begin.
        i = checkRegex(query, i);
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == '(' && ++depth > MAX_DEPTH) {
        throw ApiException.badRequest(
            "query_too_deep", "q nests parentheses deeper than " + MAX_DEPTH);
      } else if (!quoted && c == ')') {
        depth--;
      }
    }
    return query;
  }

  /**
   * Refuses regular expressions whose automaton would be huge: long ones, large repetition counts
   * and stacked quantifiers ({@code /[ab]{1000}{1000}/}). Returns the index of the closing slash.
   */
  private static int checkRegex(String query, int open) {
    int close = open + 1;
    while (close < query.length() && query.charAt(close) != '/') {
      close += query.charAt(close) == '\\' ? 2 : 1;
    }
    String regex = query.substring(open + 1, Math.min(close, query.length()));
    if (regex.length() > MAX_REGEX_LENGTH) {
      throw ApiException.badRequest(
          "regex_too_complex",
          "a regular expression is longer than " + MAX_REGEX_LENGTH + " characters");
    }
    java.util.regex.Matcher repetition = REPETITION.matcher(regex);
    while (repetition.find()) {
      for (int group = 1; group <= 2; group++) {
        String count = repetition.group(group);
        if (count != null
            && !count.isEmpty()
            && (count.length() > 4 || Integer.parseInt(count) > MAX_REPETITION)) {
          throw ApiException.badRequest(
              "regex_too_complex",
              "a regular expression repeats more than " + MAX_REPETITION + " times");
        }
      }
    }
    if (STACKED.matcher(regex).find()) {
      throw ApiException.badRequest(
          "regex_too_complex", "a regular expression stacks repetitions (e.g. {n}{m}, a*+)");
    }
    return close;
  }
}
