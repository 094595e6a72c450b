package dev.spyglass.query.alerts;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An annotation or label template, in the part of Go's text/template that Prometheus rules use:
 * {@code {{ $value }}}, {@code {{ $labels.name }}} (also {@code .Value}, {@code .Labels.name}),
 * pipes into {@code humanize}, {@code humanize1024}, {@code humanizePercentage}, {@code
 * humanizeDuration}, {@code printf "%.2f"}, {@code toUpper}, {@code toLower}, and {@code {{-}} /
 * {@code -}}} trimming. Parsed at load: anything else is an error then, not at the first alert.
 */
public final class Template {
  private static final List<String> FUNCTIONS =
      List.of(
          "humanize",
          "humanize1024",
          "humanizePercentage",
          "humanizeDuration",
          "printf",
          "toUpper",
          "toLower");

  private final String source;
  private final List<Object> parts; // String text, or List<Command> a pipeline

  private Template(String source, List<Object> parts) {
    this.source = source;
    this.parts = parts;
  }

  /** One step of a pipeline: a function with its arguments, or a lone operand. */
  private record Command(String function, List<Operand> arguments) {}

  /** {@code $value}, {@code $labels.x}, a string or a number. */
  private record Operand(String kind, String text) {}

  /** The template as written. */
  public String source() {
    return source;
  }

  /**
   * Parses {@code text}.
   *
   * @throws ExpressionException saying what is wrong, and where
   */
  public static Template parse(String text) {
    List<Object> parts = new ArrayList<>();
    int at = 0;
    StringBuilder literal = new StringBuilder();
    while (at < text.length()) {
      int open = text.indexOf("{{", at);
      if (open < 0) {
        literal.append(text, at, text.length());
        break;
      }
      int close = text.indexOf("}}", open + 2);
      if (close < 0) {
        throw new ExpressionException("'{{' is not closed by '}}'", open);
      }
      String before = text.substring(at, open);
      int bodyStart = open + 2;
      int bodyEnd = close;
      if (bodyStart < bodyEnd && text.charAt(bodyStart) == '-') {
        before = before.stripTrailing();
        bodyStart++;
      }
      boolean trimAfter = bodyEnd > bodyStart && text.charAt(bodyEnd - 1) == '-';
      if (trimAfter) {
        bodyEnd--;
      }
      literal.append(before);
      if (!literal.isEmpty()) {
        parts.add(literal.toString());
        literal.setLength(0);
      }
      parts.add(pipeline(text.substring(bodyStart, bodyEnd), bodyStart));
      at = close + 2;
      if (trimAfter) {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
          at++;
        }
      }
    }
    if (!literal.isEmpty()) {
      parts.add(literal.toString());
    }
    return new Template(text, List.copyOf(parts));
  }

  private static List<Command> pipeline(String body, int offset) {
    List<Command> commands = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    tokenize(body, offset, tokens, starts);
    if (tokens.isEmpty()) {
      throw new ExpressionException("empty {{ }}", offset);
    }
    int i = 0;
    while (i < tokens.size()) {
      String head = tokens.get(i);
      int headAt = starts.get(i);
      List<Operand> arguments = new ArrayList<>();
      String function = "";
      if (FUNCTIONS.contains(head)) {
        function = head;
        i++;
      } else if (!head.startsWith("$") && !head.startsWith(".") && !head.startsWith("\"")) {
        throw new ExpressionException(
            "unknown function '" + head + "'; known: " + String.join(", ", FUNCTIONS), headAt);
      }
      while (i < tokens.size() && !tokens.get(i).equals("|")) {
        arguments.add(operand(tokens.get(i), starts.get(i)));
        i++;
      }
      if (function.isEmpty() && arguments.size() != 1) {
        throw new ExpressionException("expected one value or a function", headAt);
      }
      if (!commands.isEmpty() && function.isEmpty()) {
        throw new ExpressionException("a pipe '|' leads into a function", headAt);
      }
      commands.add(new Command(function, List.copyOf(arguments)));
      if (i < tokens.size()) {
        i++; // the pipe
        if (i == tokens.size()) {
          throw new ExpressionException("nothing after '|'", offset + body.length());
        }
      }
    }
    if (commands.getFirst().function().equals("printf")
        && (commands.getFirst().arguments().isEmpty()
            || !commands.getFirst().arguments().getFirst().kind().equals("string"))) {
      throw new ExpressionException("printf needs a format string first", offset);
    }
    return List.copyOf(commands);
  }

  private static void tokenize(String body, int offset, List<String> tokens, List<Integer> at) {
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"') {
        int start = i++;
        while (i < body.length() && body.charAt(i) != '"') {
          i += body.charAt(i) == '\\' ? 2 : 1;
        }
        if (i >= body.length()) {
          throw new ExpressionException("unclosed string", offset + start);
        }
        tokens.add(body.substring(start, ++i));
        at.add(offset + start);
      } else if (c == '|') {
        tokens.add("|");
        at.add(offset + i++);
      } else {
        int start = i;
        while (i < body.length()
            && !Character.isWhitespace(body.charAt(i))
            && body.charAt(i) != '|') {
          i++;
        }
        tokens.add(body.substring(start, i));
        at.add(offset + start);
      }
    }
  }

  private static Operand operand(String token, int at) {
    if (token.startsWith("\"")) {
      return new Operand("string", unquote(token));
    }
    if (token.equals("$value") || token.equals(".Value")) {
      return new Operand("value", "");
    }
    if (token.startsWith("$labels.") || token.startsWith(".Labels.")) {
      return new Operand("label", token.substring(token.indexOf('.', 1) + 1));
    }
    if (!token.isEmpty() && (Character.isDigit(token.charAt(0)) || token.charAt(0) == '-')) {
      try {
        Double.parseDouble(token);
        return new Operand("number", token);
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw new ExpressionException(
        "unknown value '" + token + "'; use $value, $labels.<name>, a string or a number", at);
  }

  private static String unquote(String token) {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < token.length() - 1; i++) {
      char c = token.charAt(i);
      if (c == '\\' && i + 1 < token.length() - 1) {
        char next = token.charAt(++i);
        out.append(
            switch (next) {
              case 'n' -> '\n';
              case 't' -> '\t';
              default -> next;
            });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The text with {@code labels} and {@code value} filled in; a missing label is empty. */
  public String render(Map<String, String> labels, double value) {
    StringBuilder out = new StringBuilder();
    for (Object part : parts) {
      if (part instanceof String text) {
        out.append(text);
      } else {
        @SuppressWarnings("unchecked")
        List<Command> commands = (List<Command>) part;
        Object result = null;
        for (Command command : commands) {
          result = run(command, result, labels, value);
        }
        out.append(text(result));
      }
    }
    return out.toString();
  }

  private static Object run(
      Command command, Object piped, Map<String, String> labels, double value) {
    List<Object> arguments = new ArrayList<>();
    for (Operand operand : command.arguments()) {
      arguments.add(
          switch (operand.kind()) {
            case "value" -> value;
            case "label" -> labels.getOrDefault(operand.text(), "");
            case "number" -> Double.parseDouble(operand.text());
            default -> operand.text();
          });
    }
    if (piped != null) {
      arguments.add(piped);
    }
    if (command.function().isEmpty()) {
      return arguments.getFirst();
    }
    Object last = arguments.isEmpty() ? "" : arguments.getLast();
    return switch (command.function()) {
      case "humanize" -> Humanize.si(number(last));
      case "humanize1024" -> Humanize.binary(number(last));
      case "humanizePercentage" -> Humanize.percentage(number(last));
      case "humanizeDuration" -> Humanize.duration(number(last));
      case "toUpper" -> text(last).toUpperCase(Locale.ROOT);
      case "toLower" -> text(last).toLowerCase(Locale.ROOT);
      case "printf" ->
          Humanize.printf((String) arguments.getFirst(), arguments.subList(1, arguments.size()));
      default -> throw new IllegalStateException(command.function());
    };
  }

  private static double number(Object value) {
    if (value instanceof Double d) {
      return d;
    }
    try {
      return Double.parseDouble(text(value));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  static String text(Object value) {
    return value instanceof Double d ? Humanize.goFloat(d) : String.valueOf(value);
  }

  @Override
  public String toString() {
    return source;
  }

  /** Go's and Prometheus's ways of writing numbers. */
  static final class Humanize {
    private Humanize() {}

    /** As Go's {@code %v} of a float64: shortest digits, {@code 1e+06} from a million on. */
    static String goFloat(double value) {
      if (Double.isNaN(value)) {
        return "NaN";
      }
      if (Double.isInfinite(value)) {
        return value > 0 ? "+Inf" : "-Inf";
      }
      if (value == 0) {
        return (1 / value < 0) ? "-0" : "0";
      }
      BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
      int exponent = decimal.precision() - decimal.scale() - 1;
      if (exponent < -4 || exponent >= 6) { // strconv.FormatFloat(v, 'g', -1, 64)
        String digits = decimal.unscaledValue().abs().toString();
        String mantissa =
            digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (value < 0 ? "-" : "")
            + mantissa
            + "e"
            + (exponent < 0 ? "-" : "+")
            + (Math.abs(exponent) < 10 ? "0" : "")
            + Math.abs(exponent);
      }
      return decimal.toPlainString();
    }

    /** Go's {@code %.4g}: four significant digits, no trailing zeros. */
    static String fourDigits(double value) {
      if (Double.isNaN(value) || Double.isInfinite(value) || value == 0) {
        return goFloat(value);
      }
      return goFloat(new BigDecimal(value).round(new MathContext(4)).doubleValue());
    }

    static String si(double value) {
      if (value == 0 || Double.isNaN(value) || Double.isInfinite(value)) {
        return fourDigits(value);
      }
      String[] big = {"", "k", "M", "G", "T", "P", "E", "Z", "Y"};
      String[] small = {"", "m", "u", "n", "p", "f", "a", "z", "y"};
      double v = value;
      int i = 0;
      if (Math.abs(v) >= 1) {
        while (Math.abs(v) >= 1000 && i < big.length - 1) {
          v /= 1000;
          i++;
        }
        return fourDigits(v) + big[i];
      }
      while (Math.abs(v) < 1 && i < small.length - 1) {
        v *= 1000;
        i++;
      }
      return fourDigits(v) + small[i];
    }

    static String binary(double value) {
      if (Math.abs(value) <= 1 || Double.isNaN(value) || Double.isInfinite(value)) {
        return fourDigits(value);
      }
      String[] units = {"", "ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};
      double v = value;
      int i = 0;
      while (Math.abs(v) >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return fourDigits(v) + units[i];
    }

    static String percentage(double value) {
      return fourDigits(value * 100) + "%";
    }

    /** Prometheus's humanizeDuration: {@code 1d 2h 3m 4s}, or ms/us/ns below a second. */
    static String duration(double seconds) {
      if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
        return fourDigits(seconds);
      }
      if (Math.abs(seconds) < 1) {
        if (seconds == 0) {
          return "0s";
        }
        String[] units = {"ms", "us", "ns"};
        double v = seconds;
        for (String unit : units) {
          v *= 1000;
          if (Math.abs(v) >= 1 || unit.equals("ns")) {
            return fourDigits(v) + unit;
          }
        }
      }
      String sign = seconds < 0 ? "-" : "";
      long total = (long) Math.abs(seconds);
      long days = total / 86_400;
      long hours = total / 3600 % 24;
      long minutes = total / 60 % 60;
      double rest = Math.abs(seconds) - (total - total % 60);
      StringBuilder out = new StringBuilder(sign);
      if (days > 0) {
        out.append(days).append("d ");
      }
      if (days > 0 || hours > 0) {
        out.append(hours).append("h ");
      }
      if (days > 0 || hours > 0 || minutes > 0) {
        out.append(minutes).append("m ");
      }
      return out.append(fourDigits(rest)).append('s').toString();
    }

    /** Go's {@code printf} for {@code %s %v %d %f %e %g %%} with widths and precisions. */
    static String printf(String format, List<Object> arguments) {
      StringBuilder out = new StringBuilder();
      int next = 0;
      int i = 0;
      while (i < format.length()) {
        char c = format.charAt(i);
        if (c != '%') {
          out.append(c);
          i++;
          continue;
        }
        int start = i++;
        while (i < format.length() && "0123456789.-+ #".indexOf(format.charAt(i)) >= 0) {
          i++;
        }
        if (i >= format.length()) {
          out.append(format, start, i);
          break;
        }
        char verb = format.charAt(i++);
        String flags = format.substring(start + 1, i - 1);
        if (verb == '%') {
          out.append('%');
          continue;
        }
        if (next >= arguments.size()) {
          out.append("%!").append(verb).append("(MISSING)");
          continue;
        }
        Object argument = arguments.get(next++);
        try {
          out.append(format(verb, flags, argument));
        } catch (java.util.IllegalFormatException | NumberFormatException e) {
          out.append("%!").append(verb).append("(BADFORMAT)");
        }
      }
      return out.toString();
    }

    private static String format(char verb, String flags, Object argument) {
      return switch (verb) {
        case 'd' -> String.format(Locale.ROOT, "%" + flags + "d", (long) number(argument));
        case 'f', 'e' -> String.format(Locale.ROOT, "%" + flags + verb, number(argument));
        case 'g' -> {
          int dot = flags.indexOf('.');
          int digits = dot < 0 ? 0 : Integer.parseInt("0" + flags.substring(dot + 1));
          double v = number(argument);
          yield digits == 0 || v == 0 || Double.isNaN(v) || Double.isInfinite(v)
              ? goFloat(v)
              : goFloat(new BigDecimal(v).round(new MathContext(digits)).doubleValue());
        }
        default -> {
          String text = text(argument);
          yield flags.isEmpty() ? text : String.format(Locale.ROOT, "%" + flags + "s", text);
        }
      };
    }
  }
}
