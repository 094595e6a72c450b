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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * refused. Shutdown sends what is pending and waits for it. Batches of different tenants ({@code
 * X-Scope-OrgID}) are gathered apart, as the Collector's batch processor does with {@code
 * metadata_keys}.
 */
final class BatchProcessor implements Processor {
  private static final Duration DRAIN = Duration.ofSeconds(10);

  private final BatchConfig config;
  private final TelemetryConsumer next;
  private final ProcessorTelemetry telemetry;
  private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();

  /** What waits to be sent, per tenant: one tenant's records never share a batch with another's. */
  private final Map<Optional<String>, Group> groups = new HashMap<>();

  private ScheduledExecutorService timer;
  private boolean closed;

  private record Pending(Telemetry batch, CompletableFuture<Void> done) {}

  /** One tenant's pending batches; guarded by the processor's lock. */
  private static final class Group {
    final List<Pending> pending = new ArrayList<>();
    int items;
    ScheduledFuture<?> deadline;
  }

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
    Optional<String> tenant = batch.context().tenant();
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(
            new RetryableException("shutting down", Duration.ofSeconds(1)));
      }
      Group group = groups.computeIfAbsent(tenant, t -> new Group());
      int max = config.sendBatchMaxSize();
      if (max > 0 && !group.pending.isEmpty() && group.items + batch.itemCount() > max) {
        readyBefore = take(tenant, group);
        group = groups.computeIfAbsent(tenant, t -> new Group());
      }
      group.pending.add(new Pending(batch, done));
      group.items += batch.itemCount();
      if (group.items >= config.sendBatchSize()) {
        ready = take(tenant, group);
      } else if (group.deadline == null) {
        group.deadline =
            timer.schedule(
                () -> flushOnTimeout(tenant), config.timeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    send(readyBefore);
    send(ready);
    return done;
  }

  private void flushOnTimeout(Optional<String> tenant) {
    List<Pending> ready = null;
    synchronized (this) {
      Group group = groups.get(tenant);
      if (group != null) {
        group.deadline = null;
        ready = take(tenant, group);
      }
    }
    send(ready);
  }

  /** Takes what {@code tenant} has pending; caller holds the lock. */
  private List<Pending> take(Optional<String> tenant, Group group) {
    if (group.deadline != null) {
      group.deadline.cancel(false);
      group.deadline = null;
    }
    groups.remove(tenant);
    return List.copyOf(group.pending);
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
    List<List<Pending>> ready = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (Map.Entry<Optional<String>, Group> group : List.copyOf(groups.entrySet())) {
        ready.add(take(group.getKey(), group.getValue()));
      }
    }
    ready.forEach(this::send);
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
