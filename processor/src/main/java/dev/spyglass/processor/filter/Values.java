package dev.spyglass.processor.filter;

import java.util.Objects;

/**
 * Comparisons as OTTL makes them: numbers compare as numbers whatever their type, strings by their
 * characters; {@code ==}/{@code !=} across types are simply unequal; ordering across types cannot
 * be evaluated.
 */
final class Values {
  private Values() {}

  static boolean compare(Object actual, String operator, Object expected, String path) {
    if (operator.equals("==")) {
      return equal(actual, expected);
    }
    if (operator.equals("!=")) {
      return !equal(actual, expected);
    }
    if (actual == null || expected == null) {
      return false;
    }
    int order;
    if (actual instanceof Number a && expected instanceof Number b) {
      order = Double.compare(a.doubleValue(), b.doubleValue());
    } else if (actual instanceof String a && expected instanceof String b) {
      order = a.compareTo(b);
    } else {
      throw new Condition.EvaluationException(
          path + " is " + type(actual) + ", which cannot be ordered against " + type(expected));
    }
    return switch (operator) {
      case "<" -> order < 0;
      case "<=" -> order <= 0;
      case ">" -> order > 0;
      case ">=" -> order >= 0;
      default -> throw new IllegalStateException(operator);
    };
  }

  private static boolean equal(Object actual, Object expected) {
    if (actual instanceof Number a && expected instanceof Number b) {
      return Double.compare(a.doubleValue(), b.doubleValue()) == 0;
    }
    return Objects.equals(actual, expected);
  }

  static String text(Object value) {
    return String.valueOf(value);
  }

  private static String type(Object value) {
    return value == null
        ? "nil"
        : value instanceof Number
            ? "a number"
            : value instanceof String ? "a string" : "a " + value.getClass().getSimpleName();
  }
}
