package dev.spyglass.exporter.queue;

import dev.spyglass.pipeline.Telemetry;
import java.util.concurrent.CompletableFuture;

/**
 * Batches waiting for an exporter's senders: offered by the pipeline, taken by consumers, and
 * finished once delivered or dropped. A batch taken but not finished when the queue closes is, for
 * a persistent queue, offered again after the next start.
 */
public interface SendingQueue extends AutoCloseable {

  /**
   * Queues {@code batch}. The future completes once it is queued — for a persistent queue, once it
   * is on disk — or fails with a {@link dev.spyglass.pipeline.RetryableException} when the queue is
   * full or closed.
   */
  CompletableFuture<Void> offer(Telemetry batch);

  /** The oldest batch not yet taken, waiting until there is one. */
  QueuedBatch take() throws InterruptedException;

  /** {@code batch} was delivered or dropped: it will not be taken again. */
  void finished(QueuedBatch batch);

  /** Batches queued and not yet finished. */
  int size();

  /** The most batches the queue holds. */
  int capacity();

  /** Whether the batches survive a restart. */
  boolean persistent();

  /** Stops taking offers; a persistent queue keeps what was not finished for the next start. */
  @Override
  void close();
}
