package dev.spyglass.storage;

import java.time.Duration;

/**
 * When a read must stop and answer with what it has: every reader method takes one, and checks it
 * while it expands terms, visits doc values and collects hits. A read past its deadline returns
 * what it found so far, flagged {@code partial}.
 *
 * @param atNanos the {@link System#nanoTime()} at which the read is over; {@link Long#MAX_VALUE}
 *     for no deadline
 */
public record Deadline(long atNanos) {
  /** No deadline: the read runs to the end. */
  public static final Deadline NONE = new Deadline(Long.MAX_VALUE);

  /** {@code timeout} from now; zero or negative means {@link #NONE}. */
  public static Deadline after(Duration timeout) {
    if (timeout.isZero() || timeout.isNegative()) {
      return NONE;
    }
    long now = System.nanoTime();
    long nanos = timeout.toNanos();
    return new Deadline(nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos);
  }

  /** True once the deadline has passed. */
  public boolean expired() {
    return atNanos != Long.MAX_VALUE && System.nanoTime() - atNanos >= 0;
  }
}
