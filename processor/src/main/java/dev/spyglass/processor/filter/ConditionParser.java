package dev.spyglass.processor.filter;

import dev.spyglass.processor.RecordView;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses the filter condition language — a documented subset of the Collector's OTTL conditions:
 *
 * <pre>
 * condition  := or
 * or         := and ("or" and)*
 * and        := unary ("and" unary)*
 * unary      := "not" unary | "(" condition ")" | "exists" "(" path ")" | match | comparison
 * match      := "IsMatch" "(" path "," string ")" | path "=~" string
 * comparison := path ("==" | "!=" | "<" | "<=" | ">" | ">=") literal
 * literal    := string | number | true | false | nil | SEVERITY_NUMBER_* | SPAN_KIND_* | STATUS_CODE_*
 * path       := name | body | severity_number | severity_text | event_name | kind | status.code
 *             | status.message | duration | trace_id | span_id | parent_span_id | metric.name
 *             | metric.type | value | instrumentation_scope.name | instrumentation_scope.version
 *             | attributes["key"] | resource.attributes["key"]
 * </pre>
 *
 * Errors say at which character the condition went wrong and what was expected.
 */
final class ConditionParser {
  private static final int MAX_DEPTH = 64;

  /** A condition that cannot be parsed. */
  static final class SyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SyntaxException(String condition, int at, String expected) {
      super(
          "at character " + (at + 1) + " of '" + condition + "': " + expected, null, false, false);
    }
  }

  private record Token(String kind, String text, int at) {}

  private final String source;
  private final List<Token> tokens;
  private int position;
  private int depth;

  private ConditionParser(String source) {
    this.source = source;
    this.tokens = tokenize(source);
  }

  static Condition parse(String condition) {
    ConditionParser parser = new ConditionParser(condition);
    Condition parsed = parser.or();
    if (!parser.peek("end")) {
      throw parser.error("expected 'and', 'or' or the end of the condition");
    }
    return parsed;
  }

  private Condition or() {
    Condition left = and();
    while (peekWord("or")) {
      position++;
      Condition a = left;
      Condition b = and();
      left = record -> a.test(record) || b.test(record);
    }
    return left;
  }

  private Condition and() {
    Condition left = unary();
    while (peekWord("and")) {
      position++;
      Condition a = left;
      Condition b = unary();
      left = record -> a.test(record) && b.test(record);
    }
    return left;
  }

  private Condition unary() {
    if (++depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    try {
      if (peekWord("not")) {
        position++;
        Condition inner = unary();
        return record -> !inner.test(record);
      }
      if (peek("(")) {
        position++;
        Condition inner = or();
        expect(")", "expected ')'");
        return inner;
      }
      if (peekWord("exists")) {
        position++;
        expect("(", "expected '(' after exists");
        Path path = path();
        expect(")", "expected ')'");
        return record -> path.get(record) != null;
      }
      if (peekWord("IsMatch")) {
        position++;
        expect("(", "expected '(' after IsMatch");
        Path path = path();
        expect(",", "expected ','");
        Pattern regex = regex();
        expect(")", "expected ')'");
        return record -> matches(path, regex, record);
      }
      return comparison();
    } finally {
      depth--;
    }
  }

  private Condition comparison() {
    Path path = path();
    Token op = tokens.get(position);
    if (!op.kind().equals("op")) {
      throw error("expected ==, !=, <, <=, >, >= or =~");
    }
    position++;
    if (op.text().equals("=~")) {
      Pattern regex = regex();
      return record -> matches(path, regex, record);
    }
    Object literal = literal();
    String operator = op.text();
    return record -> Values.compare(path.get(record), operator, literal, path.name());
  }

  private static boolean matches(Path path, Pattern regex, RecordView record) {
    Object value = path.get(record);
    return value != null && regex.matcher(Values.text(value)).find();
  }

  private Pattern regex() {
    Token token = tokens.get(position);
    if (!token.kind().equals("string")) {
      throw error("expected a regular expression in double quotes");
    }
    position++;
    try {
      return Pattern.compile(token.text());
    } catch (PatternSyntaxException e) {
      throw new SyntaxException(
          source, token.at(), "invalid regular expression: " + e.getDescription());
    }
  }

  private Object literal() {
    Token token = tokens.get(position);
    position++;
    return switch (token.kind()) {
      case "string" -> token.text();
      case "number" ->
          token.text().contains(".") || token.text().contains("e")
              ? (Object) Double.parseDouble(token.text())
              : (Object) Long.parseLong(token.text());
      case "word" -> {
        String word = token.text();
        yield switch (word) {
          case "true" -> true;
          case "false" -> false;
          case "nil" -> null;
          default -> enumValue(word, token.at());
        };
      }
      default -> {
        position--;
        throw error(
            "expected a value: a \"string\", a number, true, false, nil or an enum such as SEVERITY_NUMBER_WARN");
      }
    };
  }

  private Object enumValue(String word, int at) {
    try {
      if (word.startsWith("SEVERITY_NUMBER_")) {
        return (long) SeverityNumber.valueOf(word).getNumber();
      }
      if (word.startsWith("SPAN_KIND_")) {
        return (long) Span.SpanKind.valueOf(word).getNumber();
      }
      if (word.startsWith("STATUS_CODE_")) {
        return (long) Status.StatusCode.valueOf(word).getNumber();
      }
    } catch (IllegalArgumentException e) {
      throw new SyntaxException(source, at, "unknown constant " + word);
    }
    throw new SyntaxException(
        source, at, "expected a value, found '" + word + "' (strings go in double quotes)");
  }

  private Path path() {
    Token token = tokens.get(position);
    if (!token.kind().equals("word")) {
      throw error("expected a path such as name, body or attributes[\"key\"]");
    }
    position++;
    String name = token.text();
    if (name.equals("attributes") || name.equals("resource.attributes")) {
      expect("[", "expected [\"key\"] after " + name);
      Token key = tokens.get(position);
      if (!key.kind().equals("string")) {
        throw error("expected the attribute key in double quotes");
      }
      position++;
      expect("]", "expected ']'");
      return Path.attribute(name.startsWith("resource"), key.text());
    }
    Path path = Path.field(name);
    if (path == null) {
      throw new SyntaxException(
          source, token.at(), "unknown path '" + name + "'; expected one of " + Path.FIELDS);
    }
    return path;
  }

  private void expect(String kind, String message) {
    if (!peek(kind)) {
      throw error(message);
    }
    position++;
  }

  private boolean peek(String kind) {
    return tokens.get(position).kind().equals(kind);
  }

  private boolean peekWord(String word) {
    Token token = tokens.get(position);
    return token.kind().equals("word") && token.text().equals(word);
  }

  private SyntaxException error(String expected) {
    Token token = tokens.get(position);
    String found = token.kind().equals("end") ? "the end" : "'" + token.text() + "'";
    return new SyntaxException(source, token.at(), expected + ", found " + found);
  }

  private List<Token> tokenize(String text) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"') {
        StringBuilder value = new StringBuilder();
        int start = i++;
        while (i < text.length() && text.charAt(i) != '"') {
          if (text.charAt(i) == '\\' && i + 1 < text.length()) {
            i++;
          }
          value.append(text.charAt(i++));
        }
        if (i >= text.length()) {
          throw new SyntaxException(text, start, "unterminated string");
        }
        i++;
        out.add(new Token("string", value.toString(), start));
      } else if ("()[],".indexOf(c) >= 0) {
        out.add(new Token(String.valueOf(c), String.valueOf(c), i++));
      } else if ("=!<>".indexOf(c) >= 0) {
        int start = i;
        String two = i + 1 < text.length() ? text.substring(i, i + 2) : "";
        String op =
            switch (two) {
              case "==", "!=", "<=", ">=", "=~" -> two;
              default -> String.valueOf(c);
            };
        if (op.equals("=") || op.equals("!")) {
          throw new SyntaxException(
              text, start, "expected ==, !=, <, <=, >, >= or =~, found '" + op + "'");
        }
        i += op.length();
        out.add(new Token("op", op, start));
      } else if (Character.isDigit(c)
          || (c == '-' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))) {
        int start = i++;
        while (i < text.length()
            && (Character.isDigit(text.charAt(i)) || ".eE+-".indexOf(text.charAt(i)) >= 0)) {
          i++;
        }
        String number = text.substring(start, i);
        try {
          Double.parseDouble(number);
        } catch (NumberFormatException e) {
          throw new SyntaxException(text, start, "'" + number + "' is not a number");
        }
        out.add(new Token("number", number.toLowerCase(Locale.ROOT), start));
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < text.length()
            && (Character.isLetterOrDigit(text.charAt(i))
                || text.charAt(i) == '_'
                || text.charAt(i) == '.')) {
          i++;
        }
        out.add(new Token("word", text.substring(start, i), start));
      } else {
        throw new SyntaxException(text, i, "unexpected character '" + c + "'");
      }
    }
    out.add(new Token("end", "", text.length()));
    return out;
  }
}
