package dev.spyglass.exporter.otlp;

import dev.spyglass.pipeline.Telemetry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;

/**
 * Sends one batch until the endpoint takes it, refuses it for good, or {@code retry_on_failure}
 * gives up. Blocks its (virtual) thread while waiting; an interrupt stops it at once.
 */
final class Delivery {

  /** How it ended. */
  enum Result {
    /** The endpoint took the batch (perhaps with some items rejected: a partial success). */
    DELIVERED,
    /** The endpoint refused the batch permanently; sending it again would fail again. */
    REFUSED,
    /** Every attempt failed for a retryable reason until the retry settings gave up. */
    GAVE_UP
  }

  private final Sender sender;
  private final RetrySettings retry;
  private final ExporterTelemetry telemetry;
  private final Logger log;
  private volatile String lastFailure = "";

  Delivery(Sender sender, RetrySettings retry, ExporterTelemetry telemetry, Logger log) {
    this.sender = sender;
    this.retry = retry;
    this.telemetry = telemetry;
    this.log = log;
  }

  Result deliver(Telemetry batch) throws InterruptedException {
    long started = System.nanoTime();
    Backoff backoff = new Backoff(retry, ThreadLocalRandom.current());
    int attempt = 0;
    while (true) {
      attempt++;
      long attemptStarted = System.nanoTime();
      Outcome outcome = attempt(batch);
      telemetry.attempt(outcome, System.nanoTime() - attemptStarted);
      switch (outcome) {
        case Outcome.Sent sent -> {
          long rejected = Math.min(sent.rejected(), batch.itemCount());
          telemetry.sent(batch.signal(), batch.itemCount() - rejected);
          if (rejected > 0) {
            telemetry.sendFailed(batch.signal(), rejected);
            log.warn(
                "endpoint rejected {} of {} {}: {}",
                rejected,
                batch.itemCount(),
                batch.signal().itemName(),
                sent.message());
          }
          if (attempt > 1) {
            log.info("sent after {} attempts", attempt);
          }
          lastFailure = "";
          return Result.DELIVERED;
        }
        case Outcome.Refused refused -> {
          telemetry.sendFailed(batch.signal(), batch.itemCount());
          lastFailure = refused.reason();
          log.error(
              "dropped {} {}: refused permanently: {}",
              batch.itemCount(),
              batch.signal().itemName(),
              refused.reason());
          return Result.REFUSED;
        }
        case Outcome.Retry again -> {
          lastFailure = again.reason();
          Duration wait = backoff.next();
          if (again.throttle().compareTo(wait) > 0) {
            wait = again.throttle();
          }
          Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
          boolean exhausted =
              !retry.enabled()
                  || (!retry.maxElapsedTime().isZero()
                      && elapsed.plus(wait).compareTo(retry.maxElapsedTime()) > 0);
          if (exhausted) {
            telemetry.sendFailed(batch.signal(), batch.itemCount());
            log.error(
                "dropped {} {} after {} attempt(s) in {} ms: {}",
                batch.itemCount(),
                batch.signal().itemName(),
                attempt,
                elapsed.toMillis(),
                again.reason());
            return Result.GAVE_UP;
          }
          if (attempt == 1 || attempt % 10 == 0) {
            log.warn(
                "sending failed (attempt {}), retrying in {} ms: {}",
                attempt,
                wait.toMillis(),
                again.reason());
          }
          Thread.sleep(wait);
        }
      }
    }
  }

  private Outcome attempt(Telemetry batch) throws InterruptedException {
    try {
      return sender.send(batch).get();
    } catch (ExecutionException e) {
      return new Outcome.Retry(HttpSender.describe(e.getCause()), Duration.ZERO);
    }
  }

  /** Why the last attempt failed; empty after a success. */
  String lastFailure() {
    return lastFailure;
  }
}
