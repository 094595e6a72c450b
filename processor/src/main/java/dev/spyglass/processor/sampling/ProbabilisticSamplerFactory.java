package dev.spyglass.processor.sampling;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.pipeline.component.ProcessorFactory;
import java.util.EnumSet;
import java.util.Set;

/** The {@code probabilistic_sampler} processor (traces and logs). */
public final class ProbabilisticSamplerFactory
    implements ProcessorFactory<ProbabilisticSamplerConfig> {

  @Override
  public String type() {
    return "probabilistic_sampler";
  }

  @Override
  public Class<ProbabilisticSamplerConfig> configType() {
    return ProbabilisticSamplerConfig.class;
  }

  @Override
  public ProbabilisticSamplerConfig defaultConfig() {
    return new ProbabilisticSamplerConfig(0, 0, "traceID", null, true);
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.of(Signal.TRACES, Signal.LOGS);
  }

  @Override
  public Processor create(
      ComponentSettings settings,
      ProbabilisticSamplerConfig config,
      Signal signal,
      TelemetryConsumer next) {
    return new ProbabilisticSampler(settings, config, next);
  }
}
