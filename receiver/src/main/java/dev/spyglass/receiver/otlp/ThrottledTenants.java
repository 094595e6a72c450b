package dev.spyglass.receiver.otlp;

import dev.spyglass.pipeline.RetryableException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tenants told to come back later (429): until then their requests are refused the same way as they
 * arrive — over HTTP before their body is read or decoded — so that a tenant over its limit costs
 * the others as little as possible.
 */
final class ThrottledTenants {
  private static final int MAX_REMEMBERED = 10_000;
  private final Map<String, Throttle> until = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  private record Throttle(long untilNanos, String message) {}

  ThrottledTenants(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Remembers that {@code tenant} was told to wait {@code refusal.retryAfter()}. */
  void throttled(String tenant, RetryableException refusal) {
    if (refusal.retryAfter().isZero()) {
      return;
    }
    if (until.size() >= MAX_REMEMBERED) {
      long now = nanoTime.getAsLong();
      until.values().removeIf(t -> t.untilNanos() - now <= 0);
    }
    until.put(
        tenant,
        new Throttle(nanoTime.getAsLong() + refusal.retryAfter().toNanos(), refusal.getMessage()));
  }

  /** The refusal {@code tenant} gets now, if it was told to wait and that time has not come. */
  Optional<RetryableException> refusal(Optional<String> tenant) {
    if (tenant.isEmpty() || until.isEmpty()) {
      return Optional.empty();
    }
    Throttle throttle = until.get(tenant.get());
    if (throttle == null) {
      return Optional.empty();
    }
    long left = throttle.untilNanos() - nanoTime.getAsLong();
    if (left <= 0) {
      until.remove(tenant.get(), throttle);
      return Optional.empty();
    }
    return Optional.of(RetryableException.throttled(throttle.message(), Duration.ofNanos(left)));
  }
}
