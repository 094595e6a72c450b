package dev.spyglass.processor.resourcedetection;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.util.List;

/**
 * Configuration of {@code resourcedetection}, as the Collector's.
 *
 * @param detectors in order: {@code env} ({@code OTEL_RESOURCE_ATTRIBUTES}), {@code system} ({@code
 *     host.name}, {@code host.arch}, {@code os.type}, {@code os.description}), {@code process}
 *     ({@code process.pid}, {@code process.runtime.*}, {@code process.executable.path})
 * @param override replace attributes a resource already has; default false (keep them)
 */
public record ResourceDetectionConfig(List<String> detectors, boolean override)
    implements ComponentConfig {

  public ResourceDetectionConfig {
    detectors = detectors == null ? List.of() : List.copyOf(detectors);
  }

  @Override
  public void validate() {
    if (detectors.isEmpty()) {
      throw new InvalidConfigException("detectors", "name at least one of env, system, process");
    }
    for (int i = 0; i < detectors.size(); i++) {
      if (!List.of("env", "system", "process").contains(detectors.get(i))) {
        throw new InvalidConfigException(
            "detectors." + i,
            "unknown detector '" + detectors.get(i) + "'; known: env, system, process");
      }
    }
  }
}
