package dev.spyglass.receiver.redis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The reply of {@code INFO}: {@code key:value} lines under {@code # Section} headers. Values such
 * as {@code db0:keys=1,expires=0} or {@code cmdstat_get:calls=2,usec=5} are split with {@link
 * #fields}.
 */
final class Info {
  private final Map<String, String> values = new LinkedHashMap<>();

  private Info() {}

  static Info parse(String text) {
    Info info = new Info();
    for (String line : text.split("\r?\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        info.values.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return info;
  }

  Optional<String> string(String key) {
    return Optional.ofNullable(values.get(key));
  }

  OptionalDouble number(String key) {
    return numeric(values.get(key));
  }

  /** Every key with {@code prefix}, without it, to its value. */
  Map<String, String> withPrefix(String prefix) {
    Map<String, String> found = new LinkedHashMap<>();
    values.forEach(
        (key, value) -> {
          if (key.startsWith(prefix)) {
            found.put(key.substring(prefix.length()), value);
          }
        });
    return found;
  }

  /** {@code a=1,b=2} as a map. */
  static Map<String, String> fields(String value) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : value.split(",")) {
      int equals = part.indexOf('=');
      if (equals > 0) {
        fields.put(part.substring(0, equals), part.substring(equals + 1));
      }
    }
    return fields;
  }

  static OptionalDouble numeric(String value) {
    if (value == null || value.isEmpty()) {
      return OptionalDouble.empty();
    }
    try {
      return OptionalDouble.of(Double.parseDouble(value));
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }
}
