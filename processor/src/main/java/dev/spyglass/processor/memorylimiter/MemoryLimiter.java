package dev.spyglass.processor.memorylimiter;

import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.processor.ProcessorTelemetry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Refuses new data, as retryable, while heap use is above the soft limit, so that a sustained
 * overload makes clients back off instead of making Spyglass run out of memory. Nothing is dropped:
 * the client is told to retry.
 */
final class MemoryLimiter implements Processor {
  private final MemoryLimiterConfig config;
  private final TelemetryConsumer next;
  private final ProcessorTelemetry telemetry;
  private final Logger log;
  private final LongSupplier usedHeap;
  private final long maxHeap;
  private ScheduledExecutorService checker;
  private volatile boolean refusing;

  MemoryLimiter(
      ComponentSettings settings,
      MemoryLimiterConfig config,
      TelemetryConsumer next,
      LongSupplier usedHeap,
      long maxHeap) {
    this.config = config;
    this.next = next;
    this.telemetry = new ProcessorTelemetry(settings);
    this.log = settings.logger();
    this.usedHeap = usedHeap;
    this.maxHeap = maxHeap;
  }

  @Override
  public void start(Host host) {
    checker =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("memory-limiter").daemon().unstarted(r));
    long interval = config.checkInterval().toMillis();
    checker.scheduleAtFixedRate(this::measure, 0, interval, TimeUnit.MILLISECONDS);
  }

  /** Measures heap use and decides whether to refuse. */
  void measure() {
    long used = usedHeap.getAsLong();
    long soft = config.softLimit(maxHeap);
    boolean over = used > soft;
    if (used > config.hardLimit(maxHeap)) {
      System.gc(); // as the Collector does above its hard limit
    }
    if (over != refusing) {
      log.warn(
          over
              ? "heap {} MiB is over the soft limit {} MiB: refusing data"
              : "heap {} MiB is under the soft limit {} MiB: accepting data again",
          used >> 20,
          soft >> 20);
    }
    refusing = over;
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    telemetry.incoming(batch);
    if (refusing) {
      telemetry.refused(batch, "memory_limit");
      return CompletableFuture.failedFuture(
          new RetryableException("memory usage is over the soft limit", config.checkInterval()));
    }
    telemetry.outgoing(batch);
    return next.consume(batch);
  }

  @Override
  public void shutdown() {
    if (checker != null) {
      checker.shutdownNow();
    }
  }
}
