package dev.spyglass.exporter.otlp;

import java.time.Duration;

/** What the endpoint made of one attempt to send a batch, classified as the OTLP spec says. */
sealed interface Outcome {

  /**
   * Taken; {@code rejected} items of it were refused by the endpoint (a partial success, not
   * retried).
   */
  record Sent(long rejected, String message) implements Outcome {}

  /** Not taken for a passing reason; try again, not before {@code throttle} if it is not zero. */
  record Retry(String reason, Duration throttle) implements Outcome {}

  /** Refused for good: sending it again would fail again. */
  record Refused(String reason) implements Outcome {}
}
