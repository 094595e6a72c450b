package dev.spyglass.pipeline.service;

import dev.spyglass.pipeline.ConsumeException;
import dev.spyglass.pipeline.PermanentException;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends each batch to several consumers and succeeds only when all of them did. When some fail, the
 * result is retryable if any failure was (the client sends again; the consumers that took the batch
 * get it twice, which at-least-once delivery allows), and permanent only when every failure was
 * permanent — the Collector's rule for combining errors.
 */
final class FanOutConsumer implements TelemetryConsumer {
  private final List<TelemetryConsumer> consumers;

  private FanOutConsumer(List<TelemetryConsumer> consumers) {
    this.consumers = consumers;
  }

  /** One consumer as it is; several behind a fan-out. */
  static TelemetryConsumer of(List<TelemetryConsumer> consumers) {
    if (consumers.isEmpty()) {
      throw new IllegalArgumentException("a fan-out needs at least one consumer");
    }
    return consumers.size() == 1 ? consumers.get(0) : new FanOutConsumer(List.copyOf(consumers));
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    List<CompletableFuture<Void>> results = new ArrayList<>(consumers.size());
    for (TelemetryConsumer consumer : consumers) {
      results.add(TelemetryConsumer.consumeSafely(consumer, batch));
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .handle(
            (ignored, failure) -> {
              if (failure == null) {
                return null;
              }
              throw combine(results);
            });
  }

  private static ConsumeException combine(List<CompletableFuture<Void>> results) {
    List<ConsumeException> failures = new ArrayList<>();
    for (CompletableFuture<Void> result : results) {
      switch (result.state()) {
        case FAILED -> failures.add(ConsumeException.classify(result.exceptionNow()));
        case CANCELLED ->
            failures.add(new RetryableException("cancelled before it was taken", Duration.ZERO));
        default -> {}
      }
    }
    if (failures.size() == 1) {
      return failures.get(0);
    }
    Duration retryAfter = Duration.ZERO;
    boolean retryable = false;
    List<String> messages = new ArrayList<>();
    for (ConsumeException failure : failures) {
      messages.add(failure.getMessage());
      if (failure instanceof RetryableException r) {
        retryable = true;
        retryAfter = retryAfter.compareTo(r.retryAfter()) >= 0 ? retryAfter : r.retryAfter();
      }
    }
    String message = String.join("; ", messages);
    return retryable
        ? new RetryableException(message, retryAfter)
        : new PermanentException(message);
  }
}
