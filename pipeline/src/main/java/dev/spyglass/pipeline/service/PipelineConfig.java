package dev.spyglass.pipeline.service;

import dev.spyglass.pipeline.component.ComponentId;
import java.util.List;

/**
 * One pipeline: receivers feed the processors, in order, which feed every exporter.
 *
 * @param receivers where data comes from; at least one
 * @param processors applied in order; may be empty
 * @param exporters where data goes; at least one. A batch is acknowledged only when every exporter
 *     took it.
 */
public record PipelineConfig(
    List<ComponentId> receivers, List<ComponentId> processors, List<ComponentId> exporters) {

  public PipelineConfig {
    receivers = List.copyOf(receivers);
    processors = List.copyOf(processors);
    exporters = List.copyOf(exporters);
  }
}
