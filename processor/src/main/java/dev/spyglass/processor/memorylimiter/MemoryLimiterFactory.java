package dev.spyglass.processor.memorylimiter;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.pipeline.component.ProcessorFactory;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/** The {@code memory_limiter} processor. */
public final class MemoryLimiterFactory implements ProcessorFactory<MemoryLimiterConfig> {

  @Override
  public String type() {
    return "memory_limiter";
  }

  @Override
  public Class<MemoryLimiterConfig> configType() {
    return MemoryLimiterConfig.class;
  }

  @Override
  public MemoryLimiterConfig defaultConfig() {
    return new MemoryLimiterConfig(Duration.ofSeconds(1), 0, 0, 0, 0);
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public Processor create(
      ComponentSettings settings,
      MemoryLimiterConfig config,
      Signal signal,
      TelemetryConsumer next) {
    Runtime runtime = Runtime.getRuntime();
    return new MemoryLimiter(
        settings,
        config,
        next,
        () -> runtime.totalMemory() - runtime.freeMemory(),
        runtime.maxMemory());
  }
}
