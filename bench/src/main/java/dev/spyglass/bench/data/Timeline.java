package dev.spyglass.bench.data;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Where generated records lie in time, shared by every client: either "now" (live ingest) or spread
 * evenly over a window ending now (so a 24-hour histogram has data in every bucket).
 */
public final class Timeline {
  private final long windowNanos;
  private final long expected;
  private final long endNanos;
  private final AtomicLong issued = new AtomicLong();

  private Timeline(long windowNanos, long expected) {
    this.windowNanos = windowNanos;
    this.expected = Math.max(1, expected);
    this.endNanos = System.currentTimeMillis() * 1_000_000L;
  }

  /** Timestamps as they happen. */
  public static Timeline live() {
    return new Timeline(0, 1);
  }

  /** {@code expected} records spread over the {@code windowNanos} before now. */
  public static Timeline spread(long windowNanos, long expected) {
    return new Timeline(windowNanos, expected);
  }

  /** The timestamp of the next record, in Unix nanoseconds. */
  public long next() {
    if (windowNanos == 0) {
      return System.currentTimeMillis() * 1_000_000L + issued.incrementAndGet() % 1_000_000L;
    }
    long i = issued.getAndIncrement() % expected;
    return endNanos - windowNanos + (long) ((double) i / expected * windowNanos);
  }
}
