package dev.spyglass.query.alerts;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A label set, as Prometheus and Alertmanager know it: names sorted, no empty values (an empty
 * value is the same as no label), names matching {@code [a-zA-Z_][a-zA-Z0-9_]*} so that
 * Alertmanager takes them.
 */
public record Labels(SortedMap<String, String> map) {
  /** No labels. */
  public static final Labels EMPTY = new Labels(new TreeMap<>());

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  public Labels {
    requireNonNull(map, "map");
    TreeMap<String, String> copy = new TreeMap<>();
    map.forEach(
        (name, value) -> {
          if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                "'" + name + "' is not a label name: letters, digits and _, not first a digit");
          }
          if (!value.isEmpty()) {
            copy.put(name, value);
          }
        });
    map = java.util.Collections.unmodifiableSortedMap(copy);
  }

  /** The labels of {@code map}. */
  public static Labels of(Map<String, String> map) {
    return new Labels(new TreeMap<>(map));
  }

  /** These labels with {@code others} added, {@code others} winning where both have a name. */
  public Labels with(Map<String, String> others) {
    if (others.isEmpty()) {
      return this;
    }
    TreeMap<String, String> merged = new TreeMap<>(map);
    merged.putAll(others);
    return new Labels(merged);
  }

  /** The value of {@code name}; empty when there is none. */
  public String get(String name) {
    return map.getOrDefault(name, "");
  }

  /**
   * A stable hex id of the label set (64-bit FNV-1a over names and values), as Prometheus and
   * Alertmanager give alerts a fingerprint.
   */
  public String fingerprint() {
    long hash = 0xcbf29ce484222325L;
    for (Map.Entry<String, String> label : map.entrySet()) {
      hash = fnv(hash, label.getKey());
      hash = fnv(hash, label.getValue());
    }
    return String.format("%016x", hash);
  }

  private static long fnv(long hash, String text) {
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    hash ^= 0xff; // a separator no UTF-8 text holds
    return hash * 0x100000001b3L;
  }

  /**
   * The label name a query field groups by: {@code service.name} → {@code service_name}, {@code
   * resource.host.name} → {@code host_name}, {@code attributes.http.route} → {@code http_route},
   * the span {@code name} → {@code span_name}.
   */
  public static String nameOfField(String field) {
    String name = field;
    if (name.startsWith("resource.")) {
      name = name.substring("resource.".length());
    } else if (name.startsWith("attributes.")) {
      name = name.substring("attributes.".length());
    } else if (name.equals("name")) {
      name = "span_name";
    }
    StringBuilder out = new StringBuilder(name.length() + 1);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      ok |= c >= '0' && c <= '9' && i > 0;
      if (i == 0 && c >= '0' && c <= '9') {
        out.append('_');
        ok = true;
      }
      out.append(ok ? c : '_');
    }
    return out.toString();
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    map.forEach(
        (name, value) -> {
          if (out.length() > 1) {
            out.append(", ");
          }
          out.append(name).append("=\"").append(value.replace("\"", "\\\"")).append('"');
        });
    return out.append('}').toString();
  }
}
