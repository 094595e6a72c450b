package dev.spyglass.pipeline;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The batch was not taken for a passing reason — overload, a full disk, shutting down — and the
 * client should send it again. A receiver answers HTTP 503 with {@code Retry-After}, or gRPC {@code
 * UNAVAILABLE} with {@code RetryInfo}.
 */
public final class RetryableException extends ConsumeException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;
  private final boolean throttled;

  /**
   * @param message why, for the client and the log
   * @param retryAfter how long the client should wait; {@link Duration#ZERO} leaves it to the
   *     client's own backoff
   */
  public RetryableException(String message, Duration retryAfter) {
    this(message, retryAfter, null);
  }

  /** As {@link #RetryableException(String, Duration)}, with the underlying cause. */
  public RetryableException(String message, Duration retryAfter, Throwable cause) {
    this(message, retryAfter, cause, false);
  }

  private RetryableException(
      String message, Duration retryAfter, Throwable cause, boolean throttled) {
    super(requireNonNull(message, "message"), cause);
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
    }
    this.retryAfter = retryAfter;
    this.throttled = throttled;
  }

  /**
   * The client sends more than it is allowed to (a tenant over its ingest limits): HTTP 429 with
   * {@code Retry-After}, gRPC {@code RESOURCE_EXHAUSTED} with {@code RetryInfo}, as the OTLP
   * specification says for throttling.
   */
  public static RetryableException throttled(String message, Duration retryAfter) {
    return new RetryableException(message, retryAfter, null, true);
  }

  /** Whether this is throttling (429) rather than the server's own trouble (503). */
  public boolean throttled() {
    return throttled;
  }

  /** How long the client should wait before retrying; zero when unspecified. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
