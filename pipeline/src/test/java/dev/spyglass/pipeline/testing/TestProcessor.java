package dev.spyglass.pipeline.testing;

import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Passes every batch on unchanged and counts them. */
public final class TestProcessor extends TestComponent implements Processor {
  private final TelemetryConsumer next;
  private final AtomicInteger batches = new AtomicInteger();

  TestProcessor(
      ComponentSettings settings,
      TestComponentConfig config,
      LifecycleLog lifecycle,
      TelemetryConsumer next) {
    super(settings, config, lifecycle);
    this.next = next;
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    batches.incrementAndGet();
    return next.consume(batch);
  }

  /** How many batches passed through. */
  public int batches() {
    return batches.get();
  }
}
