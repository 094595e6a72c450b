package dev.spyglass.processor.attributes;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.pipeline.component.ProcessorFactory;
import dev.spyglass.processor.ResourceRewriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The {@code resource} processor: attribute actions on every resource. */
public final class ResourceProcessorFactory implements ProcessorFactory<ResourceConfig> {

  @Override
  public String type() {
    return "resource";
  }

  @Override
  public Class<ResourceConfig> configType() {
    return ResourceConfig.class;
  }

  @Override
  public ResourceConfig defaultConfig() {
    return new ResourceConfig(List.of());
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public Processor create(
      ComponentSettings settings, ResourceConfig config, Signal signal, TelemetryConsumer next) {
    AttributeActions actions = new AttributeActions(config.attributes());
    return new ResourceRewriter(settings, actions::apply, next);
  }
}
