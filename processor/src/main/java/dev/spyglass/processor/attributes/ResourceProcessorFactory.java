package dev.spyglass.processor.attributes;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.pipeline.component.ProcessorFactory;
import dev.spyglass.processor.ProcessorTelemetry;
import dev.spyglass.processor.Records;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

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
    ProcessorTelemetry telemetry = new ProcessorTelemetry(settings);
    return new Processor() {
      @Override
      public CompletableFuture<Void> consume(Telemetry batch) {
        telemetry.incoming(batch);
        Telemetry changed =
            Records.mapResources(
                batch,
                resource ->
                    resource.toBuilder()
                        .clearAttributes()
                        .addAllAttributes(actions.apply(resource.getAttributesList()))
                        .build());
        telemetry.outgoing(changed);
        return next.consume(changed);
      }
    };
  }
}
