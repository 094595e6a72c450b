package dev.spyglass.processor.attributes;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.pipeline.component.ProcessorFactory;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The {@code attributes} processor. */
public final class AttributesProcessorFactory implements ProcessorFactory<AttributesConfig> {

  @Override
  public String type() {
    return "attributes";
  }

  @Override
  public Class<AttributesConfig> configType() {
    return AttributesConfig.class;
  }

  @Override
  public AttributesConfig defaultConfig() {
    return new AttributesConfig(List.of(), null, null);
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public Processor create(
      ComponentSettings settings, AttributesConfig config, Signal signal, TelemetryConsumer next) {
    return new AttributesProcessor(settings, config, next);
  }
}
