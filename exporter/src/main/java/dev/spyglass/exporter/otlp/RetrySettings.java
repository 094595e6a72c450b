package dev.spyglass.exporter.otlp;

import dev.spyglass.pipeline.component.InvalidConfigException;
import java.time.Duration;

/**
 * {@code retry_on_failure}, as the Collector's: exponential backoff between attempts to send a
 * batch that failed for a retryable reason.
 *
 * @param enabled retry at all; default true
 * @param initialInterval the wait after the first failure; default 5s
 * @param randomizationFactor each wait is drawn from {@code [w·(1−f), w·(1+f)]}; default 0.5
 * @param multiplier how much the wait grows after each failure; default 1.5
 * @param maxInterval the longest wait between attempts; default 30s
 * @param maxElapsedTime give up (drop and count) after this long; 0 never gives up; default 300s
 */
public record RetrySettings(
    boolean enabled,
    Duration initialInterval,
    double randomizationFactor,
    double multiplier,
    Duration maxInterval,
    Duration maxElapsedTime) {

  static final RetrySettings DEFAULT =
      new RetrySettings(
          true, Duration.ofSeconds(5), 0.5, 1.5, Duration.ofSeconds(30), Duration.ofSeconds(300));

  void validate() {
    if (!positive(initialInterval)) {
      throw new InvalidConfigException("retry_on_failure.initial_interval", "must be positive");
    }
    if (!positive(maxInterval) || maxInterval.compareTo(initialInterval) < 0) {
      throw new InvalidConfigException(
          "retry_on_failure.max_interval", "must be at least initial_interval");
    }
    if (randomizationFactor < 0 || randomizationFactor >= 1) {
      throw new InvalidConfigException(
          "retry_on_failure.randomization_factor", "must be at least 0 and less than 1");
    }
    if (multiplier < 1) {
      throw new InvalidConfigException("retry_on_failure.multiplier", "must be at least 1");
    }
    if (maxElapsedTime.isNegative()) {
      throw new InvalidConfigException(
          "retry_on_failure.max_elapsed_time", "must be 0 (never give up) or positive");
    }
  }

  private static boolean positive(Duration duration) {
    return !duration.isNegative() && !duration.isZero();
  }
}
