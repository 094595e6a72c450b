package dev.spyglass.processor.redaction;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Configuration of {@code redaction}, named as the Collector's {@code redactionprocessor}.
 *
 * @param allowAllKeys keep every attribute key; when false (the default) only {@code allowed_keys}
 *     and {@code ignored_keys} are kept — it fails closed
 * @param allowedKeys attribute keys to keep (their values are still checked)
 * @param ignoredKeys attribute keys kept and never checked
 * @param blockedValues regular expressions; matches in attribute values and log bodies are masked
 * @param builtinPatterns patterns Spyglass knows: {@code credit_card} (Luhn-checked), {@code
 *     email}, {@code bearer_token}, {@code jwt}, {@code aws_access_key}
 * @param hashFunction {@code none} (mask as {@code ****}, the default) or {@code sha256} (the
 *     match's SHA-256, hex)
 * @param summary {@code info} (default): add {@code redaction.redacted.count} and {@code
 *     redaction.masked.count} to each changed record — how many, never which; {@code silent}: none
 */
public record RedactionConfig(
    boolean allowAllKeys,
    List<String> allowedKeys,
    List<String> ignoredKeys,
    List<String> blockedValues,
    List<String> builtinPatterns,
    String hashFunction,
    String summary)
    implements ComponentConfig {

  public RedactionConfig {
    allowedKeys = allowedKeys == null ? List.of() : List.copyOf(allowedKeys);
    ignoredKeys = ignoredKeys == null ? List.of() : List.copyOf(ignoredKeys);
    blockedValues = blockedValues == null ? List.of() : List.copyOf(blockedValues);
    builtinPatterns = builtinPatterns == null ? List.of() : List.copyOf(builtinPatterns);
  }

  @Override
  public void validate() {
    for (int i = 0; i < blockedValues.size(); i++) {
      try {
        Pattern.compile(blockedValues.get(i));
      } catch (PatternSyntaxException e) {
        throw new InvalidConfigException(
            "blocked_values." + i, "invalid regex: " + e.getDescription());
      }
    }
    for (int i = 0; i < builtinPatterns.size(); i++) {
      if (!Redactor.BUILTIN.containsKey(builtinPatterns.get(i))) {
        throw new InvalidConfigException(
            "builtin_patterns." + i,
            "unknown pattern '"
                + builtinPatterns.get(i)
                + "'; known: "
                + new java.util.TreeSet<>(Redactor.BUILTIN.keySet()));
      }
    }
    if (!hashFunction.equals("none") && !hashFunction.equals("sha256")) {
      throw new InvalidConfigException("hash_function", "must be none or sha256");
    }
    if (!summary.equals("info") && !summary.equals("silent")) {
      throw new InvalidConfigException(
          "summary", "must be info or silent (key names are never reported)");
    }
  }
}
