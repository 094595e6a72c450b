package dev.spyglass.server.config;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Environment variable substitution in scalar values, as the OpenTelemetry configuration data model
 * specifies: {@code ${NAME}}, {@code ${env:NAME}}, {@code ${NAME:-default}}, and {@code $$} for a
 * literal {@code $}. Substituted text is never substituted again.
 *
 * <p>One departure, by design (docs/adr/0003): a variable that is not defined and has no default is
 * an error rather than an empty value, so that a misspelt name is caught at start-up.
 */
final class EnvSubstitution {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]+)}");
  private static final Pattern VALID =
      Pattern.compile("(?:env:)?([a-zA-Z_][a-zA-Z0-9_]*)(?::-([^\\n]*))?");

  /** Substitutes nothing: for files whose {@code $} is their own, such as rule templates. */
  static final EnvSubstitution NONE = new EnvSubstitution(null);

  private final Function<String, String> environment;

  /**
   * @param environment looks a variable up; returns null when it is not defined
   */
  EnvSubstitution(Function<String, String> environment) {
    this.environment = environment;
  }

  /**
   * The value with every reference substituted and every {@code $$} turned into {@code $}.
   *
   * @throws IllegalArgumentException for an invalid reference or an undefined variable without a
   *     default
   */
  String substitute(String value) {
    if (environment == null || value.indexOf('$') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    int from = 0;
    while (true) {
      int escape = value.indexOf("$$", from);
      if (escape < 0) {
        substituteSegment(value.substring(from), out);
        return out.toString();
      }
      substituteSegment(value.substring(from, escape), out);
      out.append('$');
      from = escape + 2;
    }
  }

  private void substituteSegment(String segment, StringBuilder out) {
    Matcher reference = REFERENCE.matcher(segment);
    int last = 0;
    while (reference.find()) {
      out.append(segment, last, reference.start());
      out.append(resolve(reference.group(1)));
      last = reference.end();
    }
    out.append(segment, last, segment.length());
  }

  private String resolve(String reference) {
    Matcher valid = VALID.matcher(reference);
    if (!valid.matches()) {
      throw new IllegalArgumentException(
          "invalid environment variable reference '${"
              + reference
              + "}': expected ${NAME}, ${env:NAME} or ${NAME:-default}, where NAME is letters,"
              + " digits and '_', not starting with a digit");
    }
    String name = valid.group(1);
    String fallback = valid.group(2);
    String value = environment.apply(name);
    if (value == null || value.isEmpty()) {
      if (fallback != null) {
        return fallback;
      }
      if (value == null) {
        throw new IllegalArgumentException(
            "environment variable "
                + name
                + " is not defined; define it, or give a default with ${"
                + name
                + ":-default}");
      }
    }
    return value;
  }
}
