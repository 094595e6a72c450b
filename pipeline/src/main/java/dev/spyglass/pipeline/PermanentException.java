package dev.spyglass.pipeline;

import static java.util.Objects.requireNonNull;

/**
 * The data itself was refused (malformed, over a limit, forbidden) and sending it again would fail
 * again. A receiver answers HTTP 400 or gRPC {@code INVALID_ARGUMENT}, never a status the client
 * retries.
 */
public final class PermanentException extends ConsumeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message why, for the client and the log
   */
  public PermanentException(String message) {
    this(message, null);
  }

  /** As {@link #PermanentException(String)}, with the underlying cause. */
  public PermanentException(String message, Throwable cause) {
    super(requireNonNull(message, "message"), cause);
  }
}
