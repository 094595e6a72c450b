package dev.spyglass.pipeline;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why a batch was not taken, classified as the OTLP specification needs it: {@link
 * RetryableException} (the client should retry: overload, disk full, shutting down) or {@link
 * PermanentException} (bad data: never retry).
 */
public abstract sealed class ConsumeException extends RuntimeException
    permits RetryableException, PermanentException {
  private static final long serialVersionUID = 1L;

  ConsumeException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /**
   * The classified form of any failure of a {@link TelemetryConsumer} future: a {@code
   * ConsumeException} is returned as it is (once unwrapped from {@link CompletionException} or
   * {@link ExecutionException}); anything else is an unexpected internal error, retryable as in the
   * Collector, so that data is not thrown away because of a bug.
   */
  public static ConsumeException classify(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ConsumeException classified) {
      return classified;
    }
    return new RetryableException("internal error: " + cause, Duration.ZERO, cause);
  }
}
