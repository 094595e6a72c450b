package dev.spyglass.pipeline.testing;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.service.Config;
import dev.spyglass.pipeline.service.PipelineConfig;
import dev.spyglass.pipeline.service.PipelineId;
import dev.spyglass.pipeline.service.ServiceConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds {@link Config}s of test components without YAML. */
public final class TestConfigs {
  private final Map<ComponentKind, Map<ComponentId, ComponentConfig>> components =
      new EnumMap<>(ComponentKind.class);
  private final List<ComponentId> extensions = new ArrayList<>();
  private final Map<PipelineId, PipelineConfig> pipelines = new LinkedHashMap<>();

  private TestConfigs() {
    for (ComponentKind kind : ComponentKind.values()) {
      components.put(kind, new LinkedHashMap<>());
    }
  }

  public static TestConfigs builder() {
    return new TestConfigs();
  }

  /** Defines components of {@code kind} with the default test configuration. */
  public TestConfigs define(ComponentKind kind, String... ids) {
    for (String id : ids) {
      define(kind, id, TestFactories.defaultConfig());
    }
    return this;
  }

  /** Defines one component with {@code config}. */
  public TestConfigs define(ComponentKind kind, String id, ComponentConfig config) {
    components.get(kind).put(ComponentId.parse(id), config);
    return this;
  }

  /** Lists {@code ids} under {@code service.extensions}. */
  public TestConfigs serviceExtensions(String... ids) {
    for (String id : ids) {
      extensions.add(ComponentId.parse(id));
    }
    return this;
  }

  /** Adds a pipeline. */
  public TestConfigs pipeline(
      String id, List<String> receivers, List<String> processors, List<String> exporters) {
    pipelines.put(
        PipelineId.parse(id), new PipelineConfig(ids(receivers), ids(processors), ids(exporters)));
    return this;
  }

  public Config build() {
    return new Config(
        components.get(ComponentKind.RECEIVER),
        components.get(ComponentKind.PROCESSOR),
        components.get(ComponentKind.EXPORTER),
        components.get(ComponentKind.EXTENSION),
        components.get(ComponentKind.CONNECTOR),
        new ServiceConfig(extensions, pipelines));
  }

  private static List<ComponentId> ids(List<String> ids) {
    return ids.stream().map(ComponentId::parse).toList();
  }
}
