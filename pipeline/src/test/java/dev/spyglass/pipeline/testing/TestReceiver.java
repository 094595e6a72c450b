package dev.spyglass.pipeline.testing;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Consumers;
import dev.spyglass.pipeline.component.Receiver;
import java.util.concurrent.CompletableFuture;

/** A receiver the test drives by hand: {@link #receive} pushes a batch as a client would. */
public final class TestReceiver extends TestComponent implements Receiver {
  private final Consumers next;

  TestReceiver(
      ComponentSettings settings,
      TestComponentConfig config,
      LifecycleLog lifecycle,
      Consumers next) {
    super(settings, config, lifecycle);
    this.next = next;
  }

  /** Sends {@code batch} into the pipelines, as the receiver would; fails if none takes it. */
  public CompletableFuture<Void> receive(Telemetry batch) {
    Signal signal = batch.signal();
    return next.forSignal(signal)
        .map(consumer -> TelemetryConsumer.consumeSafely(consumer, batch))
        .orElseGet(() -> CompletableFuture.failedFuture(new IllegalStateException("no " + signal)));
  }

  /** The consumers the service gave this receiver. */
  public Consumers consumers() {
    return next;
  }
}
