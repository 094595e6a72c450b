package dev.spyglass.exporter.otlp;

import dev.spyglass.exporter.filestorage.FileStorageExtension;
import dev.spyglass.exporter.queue.DiskQueue;
import dev.spyglass.exporter.queue.MemoryQueue;
import dev.spyglass.exporter.queue.QueuedBatch;
import dev.spyglass.exporter.queue.SendingQueue;
import dev.spyglass.pipeline.PermanentException;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.Extension;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.pipeline.component.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The {@code otlp} and {@code otlphttp} exporters: batches go into the sending queue (acknowledged
 * once queued; on disk when the queue has {@code storage}) and {@code num_consumers} senders
 * deliver them with retries. With the queue off, a batch is acknowledged once the endpoint took it.
 */
final class OtlpExporter implements Exporter {
  private static final Duration MAX_DRAIN = Duration.ofSeconds(10);

  private final ComponentSettings settings;
  private final ClientSettings config;
  private final Supplier<Sender> senders;
  private final Logger log;
  private final ExporterTelemetry telemetry;
  private final List<Thread> consumers = new ArrayList<>();
  private final Set<Thread> unqueued = ConcurrentHashMap.newKeySet();
  private Sender sender;
  private Delivery delivery;
  private SendingQueue queue;
  private volatile boolean stopping;

  OtlpExporter(ComponentSettings settings, ClientSettings config, Supplier<Sender> senders) {
    this.settings = settings;
    this.config = config;
    this.senders = senders;
    this.log = settings.logger();
    this.telemetry = new ExporterTelemetry(settings);
  }

  @Override
  public void start(Host host) {
    sender = senders.get();
    delivery = new Delivery(sender, config.retryOnFailure(), telemetry, log);
    QueueSettings queueSettings = config.sendingQueue();
    if (!queueSettings.enabled()) {
      return;
    }
    queue = openQueue(host, queueSettings);
    telemetry.queue(queue::size, queue.capacity());
    for (int i = 0; i < queueSettings.numConsumers(); i++) {
      consumers.add(
          Thread.ofVirtual().name(settings.displayName() + " sender-" + i).start(this::consume));
    }
  }

  private SendingQueue openQueue(Host host, QueueSettings queueSettings) {
    if (queueSettings.storageId().isEmpty()) {
      return new MemoryQueue(queueSettings.queueSize());
    }
    ComponentId storageId = queueSettings.storageId().get();
    Extension extension = host.extensions().get(storageId);
    if (!(extension instanceof FileStorageExtension storage)) {
      throw new IllegalStateException(
          "sending_queue.storage names '"
              + storageId
              + "', which is not a file_storage extension listed in service.extensions");
    }
    try {
      return DiskQueue.open(
          storage.directoryFor(ComponentKind.EXPORTER, settings.id()),
          queueSettings.queueSize(),
          log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the sending queue: " + e, e);
    }
  }

  /** One consumer: takes the oldest batch and delivers it, until shutdown interrupts. */
  private void consume() {
    while (!stopping) {
      QueuedBatch taken;
      try {
        taken = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        delivery.deliver(taken.batch());
      } catch (InterruptedException e) {
        if (!queue.persistent()) {
          telemetry.sendFailed(taken.batch().signal(), taken.batch().itemCount());
          queue.finished(taken);
        }
        // A persistent queue keeps the batch: it is sent again after the next start.
        return;
      } catch (RuntimeException e) {
        log.error("dropped a batch after an unexpected error", e);
        telemetry.sendFailed(taken.batch().signal(), taken.batch().itemCount());
      }
      queue.finished(taken);
    }
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    if (queue != null) {
      CompletableFuture<Void> queued = queue.offer(batch);
      queued.whenComplete(
          (ok, failure) -> {
            if (failure != null) {
              telemetry.enqueueFailed(batch.signal(), batch.itemCount());
            }
          });
      return queued;
    }
    if (stopping || delivery == null) {
      return CompletableFuture.failedFuture(
          new RetryableException("exporter is not running", Duration.ZERO));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread.ofVirtual()
        .name(settings.displayName() + " sender")
        .start(
            () -> {
              unqueued.add(Thread.currentThread());
              try {
                switch (delivery.deliver(batch)) {
                  case DELIVERED -> done.complete(null);
                  case REFUSED ->
                      done.completeExceptionally(
                          new PermanentException("endpoint refused: " + delivery.lastFailure()));
                  case GAVE_UP ->
                      done.completeExceptionally(
                          new RetryableException(
                              "endpoint unavailable: " + delivery.lastFailure(), Duration.ZERO));
                }
              } catch (InterruptedException e) {
                done.completeExceptionally(
                    new RetryableException("exporter is shutting down", Duration.ZERO));
              } finally {
                unqueued.remove(Thread.currentThread());
              }
            });
    return done;
  }

  @Override
  public void shutdown() {
    if (queue != null && !queue.persistent()) {
      queue.close();
      drain();
    }
    stopping = true;
    consumers.forEach(Thread::interrupt);
    unqueued.forEach(Thread::interrupt);
    for (Thread consumer : consumers) {
      try {
        consumer.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (queue instanceof MemoryQueue memory) {
      List<QueuedBatch> left = memory.drainWaiting();
      for (QueuedBatch batch : left) {
        telemetry.sendFailed(batch.batch().signal(), batch.batch().itemCount());
      }
      if (!left.isEmpty()) {
        log.error(
            "dropped {} queued batches at shutdown (the endpoint did not take them)", left.size());
      }
    } else if (queue != null) {
      int left = queue.size();
      queue.close();
      if (left > 0) {
        log.info("{} batches stay in the on-disk queue for the next start", left);
      }
    }
    if (sender != null) {
      sender.close();
    }
  }

  /** Gives the in-memory queue's consumers up to {@code timeout} (at most 10 s) to empty it. */
  private void drain() {
    Duration limit = config.timeout().compareTo(MAX_DRAIN) < 0 ? config.timeout() : MAX_DRAIN;
    long deadline = System.nanoTime() + limit.toNanos();
    while (queue.size() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public Health check() {
    List<String> detail = new ArrayList<>();
    if (queue != null && queue.size() > 0) {
      detail.add("queue " + queue.size() + "/" + queue.capacity());
    }
    String failure = delivery == null ? "" : delivery.lastFailure();
    if (!failure.isEmpty()) {
      detail.add("last send failed: " + failure);
    }
    return new Health(true, String.join("; ", detail));
  }
}
