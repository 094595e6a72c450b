package dev.spyglass.processor.attributes;

import dev.spyglass.pipeline.component.InvalidConfigException;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One attribute action, named as the Collector's {@code attributes} and {@code resource} processors
 * name them.
 *
 * @param key the attribute the action is about (for {@code extract}, the one to read)
 * @param action {@code insert} (only if absent), {@code update} (only if present), {@code upsert},
 *     {@code delete}, {@code hash} (SHA-256, hex), {@code extract} (regex named groups become
 *     attributes), {@code convert} (to {@code converted_type})
 * @param value the value to set (a string, number or boolean)
 * @param fromAttribute take the value from this attribute instead of {@code value}
 * @param pattern for {@code delete}/{@code hash}: a regex on keys instead of {@code key}; for
 *     {@code extract}: the regex with named groups
 * @param convertedType for {@code convert}: {@code int}, {@code double} or {@code string}
 */
public record ActionConfig(
    String key,
    String action,
    Object value,
    String fromAttribute,
    String pattern,
    String convertedType) {

  void validate(String path) {
    String name = action == null ? "" : action.toLowerCase(Locale.ROOT);
    switch (name) {
      case "insert", "update", "upsert" -> {
        requireKey(path);
        if (value == null && fromAttribute == null) {
          throw new InvalidConfigException(
              path + ".value", "action " + name + " needs value or from_attribute");
        }
      }
      case "delete", "hash" -> {
        if (key == null && pattern == null) {
          throw new InvalidConfigException(
              path + ".key", "action " + name + " needs key or pattern");
        }
        compile(path);
      }
      case "extract" -> {
        requireKey(path);
        if (pattern == null) {
          throw new InvalidConfigException(
              path + ".pattern", "action extract needs a pattern with named groups");
        }
        compile(path);
      }
      case "convert" -> {
        requireKey(path);
        if (convertedType == null
            || !java.util.List.of("int", "double", "string").contains(convertedType)) {
          throw new InvalidConfigException(
              path + ".converted_type", "must be int, double or string");
        }
      }
      default ->
          throw new InvalidConfigException(
              path + ".action",
              "unknown action '"
                  + action
                  + "'; expected insert, update, upsert, delete, hash, extract or convert");
    }
  }

  private void requireKey(String path) {
    if (key == null || key.isEmpty()) {
      throw new InvalidConfigException(path + ".key", "is required");
    }
  }

  private void compile(String path) {
    if (pattern != null) {
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw new InvalidConfigException(path + ".pattern", "invalid regex: " + e.getDescription());
      }
    }
  }
}
