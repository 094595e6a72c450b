package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

/**
 * What a read found, and whether it stopped at its {@link Deadline} before the end.
 *
 * @param value the answer; when {@code partial}, what was found before the deadline
 * @param partial true when the read ran out of time
 */
public record Answer<T>(T value, boolean partial) {
  public Answer {
    requireNonNull(value, "value");
  }

  /** A complete answer. */
  public static <T> Answer<T> complete(T value) {
    return new Answer<>(value, false);
  }
}
