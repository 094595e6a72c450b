package dev.spyglass.processor.attributes;

import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.processor.ProcessorTelemetry;
import dev.spyglass.processor.Records;
import java.util.concurrent.CompletableFuture;

/** Applies attribute actions to the records its include/exclude select. */
final class AttributesProcessor implements Processor {
  private final AttributesConfig config;
  private final AttributeActions actions;
  private final TelemetryConsumer next;
  private final ProcessorTelemetry telemetry;

  AttributesProcessor(ComponentSettings settings, AttributesConfig config, TelemetryConsumer next) {
    this.config = config;
    this.actions = new AttributeActions(config.actions());
    this.next = next;
    this.telemetry = new ProcessorTelemetry(settings);
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    telemetry.incoming(batch);
    Telemetry changed =
        Records.mapAttributes(
            batch,
            (view, attributes) -> {
              boolean included = config.include() == null || config.include().matches(view);
              boolean excluded = config.exclude() != null && config.exclude().matches(view);
              return included && !excluded ? actions.apply(attributes) : attributes;
            });
    telemetry.outgoing(changed);
    return next.consume(changed);
  }
}
