package dev.spyglass.server.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.ComponentFactory;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.pipeline.service.Config;
import dev.spyglass.pipeline.service.Factories;
import dev.spyglass.pipeline.service.PipelineConfig;
import dev.spyglass.pipeline.service.PipelineId;
import dev.spyglass.pipeline.service.Service;
import dev.spyglass.pipeline.service.ServiceConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a configuration file in the OpenTelemetry Collector's shape into a checked {@link Config}.
 * Every problem is a {@link ConfigException} naming the file, line, document path and what was
 * expected: syntax, substitution, unknown keys and component types, wrong value types, a
 * component's own {@code validate()}, and how pipelines refer to components.
 */
public final class ConfigLoader {
  /** The name errors give the built-in configuration. */
  public static final String DEFAULT_SOURCE = "<default>";

  private static final String DEFAULT_RESOURCE = "/dev/spyglass/server/default-config.yaml";
  private static final List<String> SECTIONS =
      List.of("receivers", "processors", "exporters", "connectors", "extensions", "service");
  private static final Set<String> SERVICE_KEYS = Set.of("extensions", "pipelines", "telemetry");
  private static final Set<String> PIPELINE_KEYS = Set.of("receivers", "processors", "exporters");

  private final Factories factories;
  private final EnvSubstitution substitution;
  private final ComponentConfigBinder binder = new ComponentConfigBinder();

  private ConfigLoader(Factories factories, Function<String, String> environment) {
    this.factories = requireNonNull(factories, "factories");
    this.substitution = new EnvSubstitution(requireNonNull(environment, "environment"));
  }

  /** A loader for components from {@code factories}, substituting from the process environment. */
  public static ConfigLoader create(Factories factories) {
    return new ConfigLoader(factories, System::getenv);
  }

  /** As {@link #create(Factories)}, with {@code environment} to look variables up in. */
  public static ConfigLoader create(Factories factories, Function<String, String> environment) {
    return new ConfigLoader(factories, environment);
  }

  /** Loads the file at {@code path}. */
  public Config load(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(path.toString(), 0, 0, "", "no such file");
    } catch (IOException e) {
      throw new ConfigException(path.toString(), 0, 0, "", "cannot read: " + e.getMessage());
    }
    return parse(text, path.toString());
  }

  /** Loads the built-in configuration that {@code ./spyglass run} uses without {@code --config}. */
  public Config loadDefault() {
    return parse(defaultConfigText(), DEFAULT_SOURCE);
  }

  /** The text of the built-in configuration. */
  public static String defaultConfigText() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@code yaml}; {@code source} names it in errors. */
  public Config parse(String yaml, String source) {
    YamlDocument document = YamlDocument.parse(yaml, source, substitution);
    JsonNode root = document.root();
    if (!root.isObject()) {
      throw document.error(List.of(), false, "expected a mapping with sections " + SECTIONS);
    }
    for (String key : names(root)) {
      if (!SECTIONS.contains(key)) {
        throw document.error(
            List.of(key), true, "unknown section '" + key + "'; expected one of: " + SECTIONS);
      }
    }
    Map<ComponentKind, Map<ComponentId, ComponentConfig>> components =
        new EnumMap<>(ComponentKind.class);
    for (ComponentKind kind : ComponentKind.values()) {
      components.put(kind, components(document, kind));
    }
    Config config =
        new Config(
            components.get(ComponentKind.RECEIVER),
            components.get(ComponentKind.PROCESSOR),
            components.get(ComponentKind.EXPORTER),
            components.get(ComponentKind.EXTENSION),
            components.get(ComponentKind.CONNECTOR),
            service(document));
    try {
      Service.check(config, factories);
    } catch (InvalidConfigException e) {
      throw document.error(e.path(), false, e.getMessage());
    }
    return config;
  }

  private Map<ComponentId, ComponentConfig> components(YamlDocument document, ComponentKind kind) {
    Map<ComponentId, ComponentConfig> result = new LinkedHashMap<>();
    JsonNode section = document.root().get(kind.section());
    if (section == null || section.isNull()) {
      return result;
    }
    if (!section.isObject()) {
      throw document.error(
          List.of(kind.section()), false, "expected a mapping of " + kind.singular() + " ids");
    }
    for (String key : names(section)) {
      List<Object> path = List.of(kind.section(), key);
      ComponentId id;
      try {
        id = ComponentId.parse(key);
      } catch (IllegalArgumentException e) {
        throw document.error(path, true, e.getMessage());
      }
      ComponentFactory<?> factory =
          factories
              .find(kind, id.type())
              .orElseThrow(
                  () ->
                      document.error(
                          path,
                          true,
                          "unknown "
                              + kind.singular()
                              + " type '"
                              + id.type()
                              + "'; known types: "
                              + factories.types(kind)));
      result.put(id, bind(document, path, section.get(key), factory));
    }
    return result;
  }

  private <C extends ComponentConfig> C bind(
      YamlDocument document, List<Object> path, JsonNode node, ComponentFactory<C> factory) {
    C config;
    try {
      config = binder.bind(node, factory.defaultConfig(), factory.configType());
    } catch (ComponentConfigBinder.BindingException e) {
      throw document.error(concat(path, e.path), e.atKey, e.getMessage());
    }
    try {
      config.validate();
    } catch (InvalidConfigException e) {
      throw document.error(concat(path, e.path()), false, e.getMessage());
    }
    return config;
  }

  private ServiceConfig service(YamlDocument document) {
    JsonNode service = document.root().get("service");
    if (service == null || service.isNull()) {
      throw document.error(
          List.of(), false, "missing section 'service' (it lists the pipelines to run)");
    }
    List<Object> path = List.of("service");
    requireObject(document, service, path, SERVICE_KEYS);
    List<ComponentId> extensions =
        ids(document, service.get("extensions"), List.of("service", "extensions"));
    Map<PipelineId, PipelineConfig> pipelines = new LinkedHashMap<>();
    JsonNode pipelinesNode = service.get("pipelines");
    if (pipelinesNode != null && !pipelinesNode.isNull()) {
      requireObject(document, pipelinesNode, List.of("service", "pipelines"), null);
      for (String key : names(pipelinesNode)) {
        List<Object> pipelinePath = List.of("service", "pipelines", key);
        PipelineId id;
        try {
          id = PipelineId.parse(key);
        } catch (IllegalArgumentException e) {
          throw document.error(pipelinePath, true, e.getMessage());
        }
        JsonNode pipeline = pipelinesNode.get(key);
        if (pipeline == null || pipeline.isNull()) {
          throw document.error(
              pipelinePath, false, "pipeline '" + key + "' needs at least one receiver");
        }
        requireObject(document, pipeline, pipelinePath, PIPELINE_KEYS);
        pipelines.put(
            id,
            new PipelineConfig(
                ids(
                    document,
                    pipeline.get("receivers"),
                    concat(pipelinePath, List.of("receivers"))),
                ids(
                    document,
                    pipeline.get("processors"),
                    concat(pipelinePath, List.of("processors"))),
                ids(
                    document,
                    pipeline.get("exporters"),
                    concat(pipelinePath, List.of("exporters")))));
      }
    }
    return new ServiceConfig(
        extensions, pipelines, new TelemetrySection(document).read(service.get("telemetry")));
  }

  private static List<ComponentId> ids(YamlDocument document, JsonNode list, List<Object> path) {
    List<ComponentId> ids = new ArrayList<>();
    if (list == null || list.isNull()) {
      return ids;
    }
    if (!list.isArray()) {
      throw document.error(path, false, "expected a list of component ids, e.g. [otlp, debug]");
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      List<Object> itemPath = concat(path, List.of(i));
      if (!item.isTextual()) {
        throw document.error(itemPath, false, "expected a component id, got " + item);
      }
      try {
        ids.add(ComponentId.parse(item.asText()));
      } catch (IllegalArgumentException e) {
        throw document.error(itemPath, false, e.getMessage());
      }
    }
    return ids;
  }

  static void requireObject(
      YamlDocument document, JsonNode node, List<Object> path, Set<String> allowedKeys) {
    if (!node.isObject()) {
      throw document.error(path, false, "expected a mapping");
    }
    if (allowedKeys == null) {
      return;
    }
    for (String key : names(node)) {
      if (!allowedKeys.contains(key)) {
        throw document.error(
            concat(path, List.of(key)),
            true,
            "unknown key '"
                + key
                + "'; expected one of: "
                + allowedKeys.stream().sorted().toList());
      }
    }
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static List<Object> concat(List<Object> first, List<Object> second) {
    List<Object> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
