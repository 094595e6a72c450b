package dev.spyglass.pipeline.component;

import java.util.Map;

/** What a starting component may see of the service around it. */
public interface Host {

  /** The extensions of the service, by id. */
  Map<ComponentId, Extension> extensions();

  /** The exporters of the service, by id. */
  Map<ComponentId, Exporter> exporters();

  /** The readiness of the whole service, as {@code /readyz} reports it. */
  Health readiness();
}
