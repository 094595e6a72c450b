package dev.spyglass.processor.resourcedetection;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.pipeline.component.ProcessorFactory;
import dev.spyglass.processor.ResourceRewriter;
import io.opentelemetry.proto.common.v1.AnyValue;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    return new ResourceRewriter(
        settings, attributes -> Detectors.merge(attributes, detected, config.override()), next);
  }
}
