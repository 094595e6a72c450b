package dev.spyglass.storage;

/** A query that cannot be parsed or run as written; the caller's mistake (HTTP 400). */
public final class InvalidQueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidQueryException(String message, Throwable cause) {
    super(message, cause);
  }
}
