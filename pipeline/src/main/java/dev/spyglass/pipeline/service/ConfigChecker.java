package dev.spyglass.pipeline.service;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.ComponentFactory;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentReference;
import dev.spyglass.pipeline.component.ConnectorFactory;
import dev.spyglass.pipeline.component.ExporterFactory;
import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.pipeline.component.ProcessorFactory;
import dev.spyglass.pipeline.component.ReceiverFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks how the parts of a {@link Config} refer to each other: every id in {@code service} is
 * defined, every pipeline has receivers and exporters, every component supports the pipeline's
 * signal. Errors carry the path from the document's root.
 */
final class ConfigChecker {
  private final Config config;
  private final Factories factories;

  ConfigChecker(Config config, Factories factories) {
    this.config = config;
    this.factories = factories;
  }

  void check() {
    List<ComponentId> extensions = config.service().extensions();
    for (int i = 0; i < extensions.size(); i++) {
      requireDefined(
          ComponentKind.EXTENSION, extensions.get(i), List.of("service", "extensions", i));
    }
    requireUnique(extensions, List.of("service", "extensions"), "extension");
    Map<PipelineId, PipelineConfig> pipelines = config.service().pipelines();
    if (pipelines.isEmpty()) {
      throw new InvalidConfigException(
          List.of("service", "pipelines"),
          "at least one pipeline is required, e.g. 'logs: {receivers: [otlp], exporters: [debug]}'");
    }
    pipelines.forEach(this::checkPipeline);
    checkConnectors(pipelines);
    checkReferences(pipelines);
  }

  /** What a component's configuration names must exist, be of the right type, and run. */
  private void checkReferences(Map<PipelineId, PipelineConfig> pipelines) {
    for (ComponentKind kind : ComponentKind.values()) {
      config
          .components(kind)
          .forEach(
              (id, component) -> {
                for (ComponentReference reference : component.references()) {
                  List<Object> path =
                      new java.util.ArrayList<>(List.of(kind.section(), id.toString()));
                  path.addAll(reference.path());
                  checkReference(reference, List.copyOf(path), pipelines);
                }
              });
    }
  }

  private void checkReference(
      ComponentReference reference, List<Object> path, Map<PipelineId, PipelineConfig> pipelines) {
    ComponentFactory<?> factory = requireDefined(reference.kind(), reference.id(), path);
    if (!reference.factoryType().isInstance(factory)) {
      throw new InvalidConfigException(
          path,
          reference.kind().singular()
              + " '"
              + reference.id()
              + "' (type "
              + reference.id().type()
              + ") is not "
              + reference.what());
    }
    boolean runs =
        switch (reference.kind()) {
          case EXTENSION -> config.service().extensions().contains(reference.id());
          case EXPORTER ->
              pipelines.values().stream().anyMatch(p -> p.exporters().contains(reference.id()));
          case RECEIVER ->
              pipelines.values().stream().anyMatch(p -> p.receivers().contains(reference.id()));
          default -> true;
        };
    if (!runs) {
      throw new InvalidConfigException(
          path,
          reference.kind().singular()
              + " '"
              + reference.id()
              + "' never starts: "
              + (reference.kind() == ComponentKind.EXTENSION
                  ? "list it in service.extensions"
                  : "use it in a pipeline"));
    }
  }

  /** A connector must be the exporter of some pipeline and the receiver of another. */
  private void checkConnectors(Map<PipelineId, PipelineConfig> pipelines) {
    for (ComponentId id : config.connectors().keySet()) {
      for (ComponentKind kind : List.of(ComponentKind.RECEIVER, ComponentKind.EXPORTER)) {
        if (config.components(kind).containsKey(id)) {
          throw new InvalidConfigException(
              List.of("connectors", id.toString()),
              "'" + id + "' is defined both as a connector and as a " + kind.singular());
        }
      }
      boolean exported = pipelines.values().stream().anyMatch(p -> p.exporters().contains(id));
      boolean received = pipelines.values().stream().anyMatch(p -> p.receivers().contains(id));
      if (exported != received) {
        throw new InvalidConfigException(
            List.of("connectors", id.toString()),
            "connector '"
                + id
                + "' must be the exporter of one pipeline and the receiver of another; it is only "
                + (exported ? "an exporter" : "a receiver"));
      }
    }
  }

  private void checkPipeline(PipelineId id, PipelineConfig pipeline) {
    List<Object> path = List.of("service", "pipelines", id.toString());
    checkList(id, pipeline.receivers(), ComponentKind.RECEIVER, append(path, "receivers"));
    checkList(id, pipeline.processors(), ComponentKind.PROCESSOR, append(path, "processors"));
    checkList(id, pipeline.exporters(), ComponentKind.EXPORTER, append(path, "exporters"));
    if (pipeline.receivers().isEmpty()) {
      throw new InvalidConfigException(
          append(path, "receivers"), "pipeline '" + id + "' needs at least one receiver");
    }
    if (pipeline.exporters().isEmpty()) {
      throw new InvalidConfigException(
          append(path, "exporters"), "pipeline '" + id + "' needs at least one exporter");
    }
  }

  private void checkList(
      PipelineId pipeline, List<ComponentId> ids, ComponentKind kind, List<Object> path) {
    for (int i = 0; i < ids.size(); i++) {
      List<Object> itemPath = append(path, i);
      boolean connector =
          kind != ComponentKind.PROCESSOR && config.connectors().containsKey(ids.get(i));
      ComponentFactory<?> factory =
          requireDefined(connector ? ComponentKind.CONNECTOR : kind, ids.get(i), itemPath);
      Set<Signal> supported = signals(factory, kind);
      if (!supported.contains(pipeline.signal())) {
        throw new InvalidConfigException(
            itemPath,
            (connector ? "connector" : kind.singular())
                + " '"
                + ids.get(i)
                + (connector && kind == ComponentKind.RECEIVER
                    ? "' does not emit "
                    : "' does not support ")
                + pipeline.signal().configName()
                + (connector && kind == ComponentKind.RECEIVER ? " (it emits " : " (it supports ")
                + supported.stream().map(Signal::configName).sorted().toList()
                + ")");
      }
    }
    requireUnique(ids, path, kind.singular());
  }

  private ComponentFactory<?> requireDefined(
      ComponentKind kind, ComponentId id, List<Object> path) {
    if (!config.components(kind).containsKey(id)) {
      throw new InvalidConfigException(
          path,
          kind.singular()
              + " '"
              + id
              + "' is not defined in the '"
              + kind.section()
              + "' section (defined: "
              + config.components(kind).keySet()
              + ")");
    }
    return factories
        .find(kind, id.type())
        .orElseThrow(
            () ->
                new InvalidConfigException(
                    List.of(kind.section(), id.toString()),
                    "unknown " + kind.singular() + " type '" + id.type() + "'"));
  }

  private static void requireUnique(List<ComponentId> ids, List<Object> path, String what) {
    Set<ComponentId> seen = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      if (!seen.add(ids.get(i))) {
        throw new InvalidConfigException(
            append(path, i), what + " '" + ids.get(i) + "' is listed twice");
      }
    }
  }

  private static Set<Signal> signals(ComponentFactory<?> factory, ComponentKind usedAs) {
    return switch (factory) {
      case ConnectorFactory<?> f -> usedAs == ComponentKind.RECEIVER ? f.produces() : f.consumes();
      case ReceiverFactory<?> f -> f.signals();
      case ProcessorFactory<?> f -> f.signals();
      case ExporterFactory<?> f -> f.signals();
      default -> Set.of(Signal.values());
    };
  }

  private static List<Object> append(List<Object> path, Object element) {
    Object[] elements = path.toArray(new Object[path.size() + 1]);
    elements[path.size()] = element;
    return List.of(elements);
  }
}
