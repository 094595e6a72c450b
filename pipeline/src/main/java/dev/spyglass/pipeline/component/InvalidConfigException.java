package dev.spyglass.pipeline.component;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A configuration value is wrong. Carries the path of the offending value (keys and list indices,
 * relative to the part of the document being checked) so the loader can point at its line.
 */
public final class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Object> path;

  /**
   * @param path keys ({@link String}) and list indices ({@link Integer}) leading to the value;
   *     empty for the section as a whole
   * @param message what is wrong and what was expected
   */
  public InvalidConfigException(List<?> path, String message) {
    super(requireNonNull(message, "message"));
    this.path = List.copyOf(path);
  }

  /**
   * For the value under the dotted key {@code key} (e.g. {@code protocols.grpc.endpoint}); a
   * numeric segment is a list index ({@code actions.0.key}).
   */
  public InvalidConfigException(String key, String message) {
    this(segments(key), message);
  }

  private static List<Object> segments(String key) {
    return java.util.Arrays.stream(key.split("\\."))
        .map(
            s ->
                s.chars().allMatch(Character::isDigit) && !s.isEmpty()
                    ? (Object) Integer.valueOf(s)
                    : s)
        .toList();
  }

  /** The path of the offending value. */
  public List<Object> path() {
    return path;
  }
}
