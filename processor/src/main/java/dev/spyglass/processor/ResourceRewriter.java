package dev.spyglass.processor;

import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/** A processor that rewrites the attributes of every resource and passes the batch on. */
public final class ResourceRewriter implements Processor {
  private final UnaryOperator<List<KeyValue>> attributes;
  private final TelemetryConsumer next;
  private final ProcessorTelemetry telemetry;

  public ResourceRewriter(
      ComponentSettings settings,
      UnaryOperator<List<KeyValue>> attributes,
      TelemetryConsumer next) {
    this.attributes = attributes;
    this.next = next;
    this.telemetry = new ProcessorTelemetry(settings);
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    telemetry.incoming(batch);
    Telemetry changed =
        Records.mapResources(
            batch,
            resource ->
                resource.toBuilder()
                    .clearAttributes()
                    .addAllAttributes(attributes.apply(resource.getAttributesList()))
                    .build());
    telemetry.outgoing(changed);
    return next.consume(changed);
  }
}
