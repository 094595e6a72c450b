package dev.spyglass.exporter.otlp;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** The waits between attempts: exponential, randomized, capped — as the Collector's backoff. */
final class Backoff {
  private final RetrySettings settings;
  private final RandomGenerator random;
  private double intervalNanos;

  Backoff(RetrySettings settings, RandomGenerator random) {
    this.settings = settings;
    this.random = random;
    this.intervalNanos = settings.initialInterval().toNanos();
  }

  /**
   * The next wait, drawn from {@code interval·(1±randomization_factor)}; then grows the interval.
   */
  Duration next() {
    double delta = settings.randomizationFactor() * intervalNanos;
    double wait = intervalNanos - delta + random.nextDouble() * (2 * delta);
    intervalNanos =
        Math.min(intervalNanos * settings.multiplier(), settings.maxInterval().toNanos());
    return Duration.ofNanos((long) wait);
  }
}
