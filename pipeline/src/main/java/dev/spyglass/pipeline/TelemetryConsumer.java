package dev.spyglass.pipeline;

import java.util.concurrent.CompletableFuture;

/**
 * Takes batches of telemetry, as the Collector's {@code consumer} package does.
 *
 * <p>The returned future completes normally once the batch is safe: durable in the write-ahead log,
 * or forwarded, for a forward-only pipeline. It fails with a {@link RetryableException} when the
 * client should send the batch again later, or a {@link PermanentException} when the data itself
 * was refused and must not be sent again. Any other failure is treated as retryable (see {@link
 * ConsumeException#classify(Throwable)}).
 *
 * <p>Implementations must not throw; a receiver still guards every call with {@link
 * #consumeSafely(TelemetryConsumer, Telemetry)}.
 */
@FunctionalInterface
public interface TelemetryConsumer {

  /** Takes {@code batch}; the future tells when it is safe, or why it was not taken. */
  CompletableFuture<Void> consume(Telemetry batch);

  /**
   * Calls {@code consumer}, turning an exception it throws instead of returning a failed future
   * into a failed future, so that a buggy component cannot break its caller.
   */
  static CompletableFuture<Void> consumeSafely(TelemetryConsumer consumer, Telemetry batch) {
    try {
      CompletableFuture<Void> result = consumer.consume(batch);
      if (result == null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(consumer + " returned no future"));
      }
      return result;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
