package dev.spyglass.processor.resourcedetection;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.pipeline.component.ProcessorFactory;
import dev.spyglass.processor.ProcessorTelemetry;
import dev.spyglass.processor.Records;
import io.opentelemetry.proto.common.v1.AnyValue;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The {@code resourcedetection} processor: adds what its detectors find about this host and process
 * to every resource, keeping existing attributes unless {@code override: true}.
 */
public final class ResourceDetectionFactory implements ProcessorFactory<ResourceDetectionConfig> {
  private final Function<String, String> environment;

  public ResourceDetectionFactory() {
    this(System::getenv);
  }

  /** With {@code environment} to read {@code OTEL_RESOURCE_ATTRIBUTES} from (tests). */
  public ResourceDetectionFactory(Function<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public String type() {
    return "resourcedetection";
  }

  @Override
  public Class<ResourceDetectionConfig> configType() {
    return ResourceDetectionConfig.class;
  }

  @Override
  public ResourceDetectionConfig defaultConfig() {
    return new ResourceDetectionConfig(List.of(), false);
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public Processor create(
      ComponentSettings settings,
      ResourceDetectionConfig config,
      Signal signal,
      TelemetryConsumer next) {
    Map<String, AnyValue> detected = Detectors.detect(config.detectors(), environment);
    settings.logger().info("detected resource attributes {}", detected.keySet());
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
                        .addAllAttributes(
                            Detectors.merge(
                                resource.getAttributesList(), detected, config.override()))
                        .build());
        telemetry.outgoing(changed);
        return next.consume(changed);
      }
    };
  }
}
