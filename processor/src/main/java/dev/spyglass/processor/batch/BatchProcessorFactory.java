package dev.spyglass.processor.batch;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.pipeline.component.ProcessorFactory;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/** The {@code batch} processor. */
public final class BatchProcessorFactory implements ProcessorFactory<BatchConfig> {

  @Override
  public String type() {
    return "batch";
  }

  @Override
  public Class<BatchConfig> configType() {
    return BatchConfig.class;
  }

  @Override
  public BatchConfig defaultConfig() {
    return new BatchConfig(8192, Duration.ofMillis(200), 0);
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public Processor create(
      ComponentSettings settings, BatchConfig config, Signal signal, TelemetryConsumer next) {
    return new BatchProcessor(settings, config, next);
  }
}
