package dev.spyglass.pipeline.component;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.metrics.Meter;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * What the service gives every component it creates.
 *
 * @param id the component's id from configuration
 * @param kind what kind of component it is
 * @param pipeline the pipeline a processor belongs to; empty for other kinds
 * @param logger a logger named after the component (e.g. {@code exporter/debug})
 * @param meter where the component records its own telemetry (accepted, refused, latency)
 */
public record ComponentSettings(
    ComponentId id, ComponentKind kind, Optional<String> pipeline, Logger logger, Meter meter) {

  public ComponentSettings {
    requireNonNull(id, "id");
    requireNonNull(kind, "kind");
    requireNonNull(pipeline, "pipeline");
    requireNonNull(logger, "logger");
    requireNonNull(meter, "meter");
  }

  /** {@code kind/id}, or {@code kind/id[pipeline]} for a processor: how logs name it. */
  public String displayName() {
    return displayName(kind, id, pipeline);
  }

  /** The display name of a component of {@code kind} and {@code id}, in {@code pipeline}. */
  public static String displayName(ComponentKind kind, ComponentId id, Optional<String> pipeline) {
    return kind.singular() + "/" + id + pipeline.map(p -> "[" + p + "]").orElse("");
  }
}
