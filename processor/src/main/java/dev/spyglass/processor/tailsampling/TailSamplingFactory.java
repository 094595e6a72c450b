package dev.spyglass.processor.tailsampling;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.pipeline.component.ProcessorFactory;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The {@code tail_sampling} processor (traces). */
public final class TailSamplingFactory implements ProcessorFactory<TailSamplingConfig> {

  @Override
  public String type() {
    return "tail_sampling";
  }

  @Override
  public Class<TailSamplingConfig> configType() {
    return TailSamplingConfig.class;
  }

  @Override
  public TailSamplingConfig defaultConfig() {
    return new TailSamplingConfig(Duration.ofSeconds(30), 50_000, List.of());
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.of(Signal.TRACES);
  }

  @Override
  public Processor create(
      ComponentSettings settings,
      TailSamplingConfig config,
      Signal signal,
      TelemetryConsumer next) {
    return new TailSampler(settings, config, next, System::nanoTime);
  }
}
