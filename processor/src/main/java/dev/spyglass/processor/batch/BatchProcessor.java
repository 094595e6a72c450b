package dev.spyglass.processor.batch;

import dev.spyglass.pipeline.ConsumeException;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.processor.ProcessorTelemetry;
import dev.spyglass.processor.Records;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gathers batches until {@code send_batch_size} items or {@code timeout}, then sends them as one.
 * The acknowledgement chain holds: each caller's future completes only when the merged batch
 * holding its records has been taken downstream, and fails, classified the same way, when it was
 * refused. Shutdown sends what is pending and waits for it.
 */
final class BatchProcessor implements Processor {
  private static final Duration DRAIN = Duration.ofSeconds(10);

  private final BatchConfig config;
  private final TelemetryConsumer next;
  private final ProcessorTelemetry telemetry;
  private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
  private final List<Pending> pending = new ArrayList<>();
  private ScheduledExecutorService timer;
  private ScheduledFuture<?> deadline;
  private int pendingItems;
  private boolean closed;

  private record Pending(Telemetry batch, CompletableFuture<Void> done) {}

  BatchProcessor(ComponentSettings settings, BatchConfig config, TelemetryConsumer next) {
    this.config = config;
    this.next = next;
    this.telemetry = new ProcessorTelemetry(settings);
  }

  @Override
  public void start(Host host) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("batch-timer").daemon().unstarted(r));
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    telemetry.incoming(batch);
    CompletableFuture<Void> done = new CompletableFuture<>();
    List<Pending> ready = null;
    List<Pending> readyBefore = null;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(
            new RetryableException("shutting down", Duration.ofSeconds(1)));
      }
      int max = config.sendBatchMaxSize();
      if (max > 0 && !pending.isEmpty() && pendingItems + batch.itemCount() > max) {
        readyBefore = take();
      }
      pending.add(new Pending(batch, done));
      pendingItems += batch.itemCount();
      if (pendingItems >= config.sendBatchSize()) {
        ready = take();
      } else if (deadline == null) {
        deadline =
            timer.schedule(
                this::flushOnTimeout, config.timeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    send(readyBefore);
    send(ready);
    return done;
  }

  private void flushOnTimeout() {
    List<Pending> ready;
    synchronized (this) {
      deadline = null;
      ready = take();
    }
    send(ready);
  }

  /** Takes what is pending; caller holds the lock. */
  private List<Pending> take() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
    List<Pending> taken = List.copyOf(pending);
    pending.clear();
    pendingItems = 0;
    return taken;
  }

  private void send(List<Pending> batch) {
    if (batch == null || batch.isEmpty()) {
      return;
    }
    Telemetry merged = Records.merge(batch.stream().map(Pending::batch).toList());
    telemetry.outgoing(merged);
    CompletableFuture<Void> sent = TelemetryConsumer.consumeSafely(next, merged);
    inFlight.add(sent);
    sent.whenComplete(
        (ignored, failure) -> {
          inFlight.remove(sent);
          for (Pending one : batch) {
            if (failure == null) {
              one.done().complete(null);
            } else {
              one.done().completeExceptionally(ConsumeException.classify(failure));
            }
          }
        });
  }

  /** Sends what is pending and waits (up to 10 s) for everything sent to be answered. */
  @Override
  public void shutdown() {
    List<Pending> ready;
    synchronized (this) {
      closed = true;
      ready = take();
    }
    send(ready);
    try {
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
          .get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      // answered (or not) downstream; the callers' futures say which
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
