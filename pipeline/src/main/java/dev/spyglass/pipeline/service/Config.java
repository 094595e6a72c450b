package dev.spyglass.pipeline.service;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A whole configuration, bound and type-checked: the components of each kind by id, and the {@code
 * service} section. {@link Service#create} checks how the parts refer to each other.
 *
 * @param receivers receiver configurations by id, in file order
 * @param processors processor configurations by id
 * @param exporters exporter configurations by id
 * @param extensions extension configurations by id
 * @param connectors connector configurations by id
 * @param service the service section
 */
public record Config(
    Map<ComponentId, ComponentConfig> receivers,
    Map<ComponentId, ComponentConfig> processors,
    Map<ComponentId, ComponentConfig> exporters,
    Map<ComponentId, ComponentConfig> extensions,
    Map<ComponentId, ComponentConfig> connectors,
    ServiceConfig service) {

  public Config {
    receivers = ordered(receivers);
    processors = ordered(processors);
    exporters = ordered(exporters);
    extensions = ordered(extensions);
    connectors = ordered(connectors);
    requireNonNull(service, "service");
  }

  /** The components of {@code kind} by id. */
  public Map<ComponentId, ComponentConfig> components(ComponentKind kind) {
    return switch (kind) {
      case RECEIVER -> receivers;
      case PROCESSOR -> processors;
      case EXPORTER -> exporters;
      case EXTENSION -> extensions;
      case CONNECTOR -> connectors;
    };
  }

  private static <K, V> Map<K, V> ordered(Map<K, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(map)));
  }
}
