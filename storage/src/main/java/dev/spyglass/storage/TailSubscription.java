package dev.spyglass.storage;

/** A running live tail; {@link #close()} ends it. */
public interface TailSubscription extends AutoCloseable {
  @Override
  void close();
}
