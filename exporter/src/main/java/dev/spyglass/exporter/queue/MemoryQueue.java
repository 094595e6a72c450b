package dev.spyglass.exporter.queue;

import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Telemetry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The Collector's default queue: bounded, in memory, lost with the process. */
public final class MemoryQueue implements SendingQueue {
  private final LinkedBlockingQueue<QueuedBatch> waiting = new LinkedBlockingQueue<>();
  private final AtomicInteger unfinished = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();
  private final int capacity;
  private volatile boolean closed;

  public MemoryQueue(int capacity) {
    this.capacity = capacity;
  }

  @Override
  public CompletableFuture<Void> offer(Telemetry batch) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new RetryableException("exporter is shutting down", Duration.ZERO));
    }
    if (unfinished.incrementAndGet() > capacity) {
      unfinished.decrementAndGet();
      return CompletableFuture.failedFuture(
          new RetryableException(
              "sending queue is full (" + capacity + " batches)", Duration.ofSeconds(1)));
    }
    waiting.add(new QueuedBatch(sequence.getAndIncrement(), batch));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public QueuedBatch take() throws InterruptedException {
    return waiting.take();
  }

  @Override
  public void finished(QueuedBatch batch) {
    unfinished.decrementAndGet();
  }

  @Override
  public int size() {
    return unfinished.get();
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  /** Batches never taken, emptied out of the queue (dropped at shutdown). */
  public java.util.List<QueuedBatch> drainWaiting() {
    java.util.List<QueuedBatch> left = new java.util.ArrayList<>();
    waiting.drainTo(left);
    return left;
  }

  @Override
  public void close() {
    closed = true;
  }
}
