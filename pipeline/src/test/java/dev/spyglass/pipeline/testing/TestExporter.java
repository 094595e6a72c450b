package dev.spyglass.pipeline.testing;

import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Exporter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Records every batch it is given, and answers with what the test chose (by default: taken at
 * once).
 */
public final class TestExporter extends TestComponent implements Exporter {
  private final List<Telemetry> received = new CopyOnWriteArrayList<>();
  private volatile Function<Telemetry, CompletableFuture<Void>> answer =
      batch -> CompletableFuture.completedFuture(null);

  TestExporter(ComponentSettings settings, TestComponentConfig config, LifecycleLog lifecycle) {
    super(settings, config, lifecycle);
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    received.add(batch);
    return answer.apply(batch);
  }

  /** Answers every later batch with {@code answer}. */
  public void answerWith(Function<Telemetry, CompletableFuture<Void>> answer) {
    this.answer = answer;
  }

  /** The batches received so far. */
  public List<Telemetry> received() {
    return List.copyOf(received);
  }
}
