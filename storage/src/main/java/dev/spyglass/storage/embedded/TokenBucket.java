package dev.spyglass.storage.embedded;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket (a tenant's ingest rate): {@code rate} tokens a second up to {@code burst}; a
 * request takes its size in tokens at once or none, and learns how long until it could.
 */
final class TokenBucket {
  private final double perNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long updated;

  TokenBucket(double perSecond, long burst, LongSupplier nanoTime) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.updated = nanoTime.getAsLong();
  }

  /** Whether {@code n} tokens can ever be taken at once. */
  boolean fits(long n) {
    return n <= burst;
  }

  /** Takes {@code n} tokens and returns zero, or takes none and returns how long until it could. */
  synchronized Duration take(long n) {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - updated) * perNano);
    updated = now;
    if (tokens >= n) {
      tokens -= n;
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((n - tokens) / perNano));
  }

  /** Gives back {@code n} tokens taken by a request that another limit then refused. */
  synchronized void giveBack(long n) {
    tokens = Math.min(burst, tokens + n);
  }
}
