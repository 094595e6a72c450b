package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

/**
 * A read that cannot be run as written — a query that does not parse, expands to too many terms, a
 * field that cannot be grouped by: the caller's mistake (HTTP 400).
 */
public final class InvalidQueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;

  /**
   * @param code a short machine-readable reason, e.g. {@code invalid_query}, {@code
   *     too_many_clauses}, {@code query_too_complex}, {@code invalid_group_by}
   * @param message what is wrong and how to fix it
   */
  public InvalidQueryException(String code, String message) {
    this(code, message, null);
  }

  public InvalidQueryException(String code, String message, Throwable cause) {
    super(requireNonNull(message, "message"), cause);
    this.code = requireNonNull(code, "code");
  }

  /**
   * As {@link #InvalidQueryException(String, String, Throwable)} with code {@code invalid_query}.
   */
  public InvalidQueryException(String message, Throwable cause) {
    this("invalid_query", message, cause);
  }

  /** The machine-readable reason. */
  public String code() {
    return code;
  }
}
