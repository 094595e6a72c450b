package dev.spyglass.pipeline.service;

import dev.spyglass.pipeline.component.ComponentId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code service} section: which extensions run and how pipelines are wired.
 *
 * @param extensions extensions to start, in order
 * @param pipelines the pipelines, in the order they were written
 * @param telemetry where Spyglass's own telemetry is exported
 */
public record ServiceConfig(
    List<ComponentId> extensions,
    Map<PipelineId, PipelineConfig> pipelines,
    TelemetryConfig telemetry) {

  public ServiceConfig {
    extensions = List.copyOf(extensions);
    pipelines = Collections.unmodifiableMap(new LinkedHashMap<>(pipelines));
    telemetry = telemetry == null ? TelemetryConfig.NONE : telemetry;
  }

  /** A service section without {@code telemetry}. */
  public ServiceConfig(List<ComponentId> extensions, Map<PipelineId, PipelineConfig> pipelines) {
    this(extensions, pipelines, TelemetryConfig.NONE);
  }
}
