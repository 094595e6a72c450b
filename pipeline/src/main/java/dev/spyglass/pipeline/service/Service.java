package dev.spyglass.pipeline.service;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.Component;
import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.ComponentFactory;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Connector;
import dev.spyglass.pipeline.component.ConnectorFactory;
import dev.spyglass.pipeline.component.Consumers;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.ExporterFactory;
import dev.spyglass.pipeline.component.Extension;
import dev.spyglass.pipeline.component.ExtensionFactory;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.pipeline.component.ProcessorFactory;
import dev.spyglass.pipeline.component.ReceiverFactory;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running graph of one configuration: every component created and wired, started downstream
 * first and shut down upstream first.
 *
 * <p>Wiring follows the Collector: one instance per receiver id, feeding every pipeline that names
 * it (a fan-out when several do); processors instantiated per pipeline; one instance per exporter
 * id, shared by every pipeline that names it; each pipeline's last processor fans out to all of its
 * exporters, and a batch is acknowledged only when every exporter took it.
 */
public final class Service implements Host {
  private static final Logger log = LoggerFactory.getLogger("service");

  private final Map<ComponentId, Extension> extensions;
  private final Map<ComponentId, Exporter> exporters;
  private final List<Running> startOrder;
  private volatile State state = State.CREATED;

  private enum State {
    CREATED,
    STARTING,
    RUNNING,
    SHUTTING_DOWN,
    STOPPED
  }

  private record Running(ComponentSettings settings, Component component) {}

  private Service(
      Map<ComponentId, Extension> extensions,
      Map<ComponentId, Exporter> exporters,
      List<Running> startOrder) {
    this.extensions = Collections.unmodifiableMap(extensions);
    this.exporters = Collections.unmodifiableMap(exporters);
    this.startOrder = List.copyOf(startOrder);
  }

  /**
   * Checks {@code config} (see {@link #check}) and creates every component; nothing is started yet.
   *
   * @throws dev.spyglass.pipeline.component.InvalidConfigException if the configuration's parts do
   *     not fit together
   */
  public static Service create(Config config, Factories factories, MeterProvider meterProvider) {
    check(config, factories);
    return new Builder(config, factories, requireNonNull(meterProvider, "meterProvider")).build();
  }

  /**
   * Checks how the parts of {@code config} refer to each other; throws {@link
   * dev.spyglass.pipeline.component.InvalidConfigException} with the path from the document root.
   */
  public static void check(Config config, Factories factories) {
    new ConfigChecker(config, factories).check();
  }

  /**
   * Starts every component, downstream first. If one fails to start, the ones already started are
   * shut down and the failure is thrown, naming the component.
   */
  public synchronized void start() {
    if (state != State.CREATED) {
      throw new IllegalStateException("service already " + state.name().toLowerCase());
    }
    state = State.STARTING;
    for (Running running : startOrder) {
      String name = running.settings().displayName();
      try {
        running.settings().logger().debug("starting");
        running.component().start(this);
      } catch (RuntimeException e) {
        log.error("{} failed to start: {}", name, e.getMessage());
        shutdown();
        throw new IllegalStateException(name + " failed to start: " + e.getMessage(), e);
      }
    }
    state = State.RUNNING;
    log.info("started {} components", startOrder.size());
  }

  /**
   * Shuts every component down, upstream first: receivers stop accepting, processors flush,
   * exporters finish. A component that fails to shut down is logged and the others still are. Safe
   * to call more than once.
   */
  public synchronized void shutdown() {
    if (state == State.STOPPED || state == State.SHUTTING_DOWN) {
      return;
    }
    state = State.SHUTTING_DOWN;
    for (Running running : startOrder.reversed()) {
      long started = System.nanoTime();
      try {
        running.component().shutdown();
        running
            .settings()
            .logger()
            .debug("stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
      } catch (RuntimeException e) {
        log.error("{} failed to shut down cleanly", running.settings().displayName(), e);
      }
    }
    state = State.STOPPED;
    log.info("stopped");
  }

  /**
   * Ready when every component has started and each one's {@link Component#check()} says ready
   * (with, as the detail, what ready components reported); otherwise the reasons, one per component
   * that is not ready.
   */
  @Override
  public Health readiness() {
    State current = state;
    if (current != State.RUNNING) {
      return Health.notReady("service is " + current.name().toLowerCase().replace('_', ' '));
    }
    List<String> reasons = new ArrayList<>();
    List<String> details = new ArrayList<>();
    for (Running running : startOrder) {
      Health health;
      try {
        health = running.component().check();
      } catch (RuntimeException e) {
        health = Health.notReady("check failed: " + e);
      }
      if (!health.reason().isEmpty()) {
        (health.ready() ? details : reasons)
            .add(running.settings().displayName() + ": " + health.reason());
      }
    }
    return reasons.isEmpty()
        ? new Health(true, String.join("; ", details))
        : Health.notReady(String.join("; ", reasons));
  }

  @Override
  public Map<ComponentId, Extension> extensions() {
    return extensions;
  }

  @Override
  public Map<ComponentId, Exporter> exporters() {
    return exporters;
  }

  private static final class Builder {
    private final Config config;
    private final Factories factories;
    private final MeterProvider meterProvider;
    private final Map<ComponentId, Extension> extensions = new LinkedHashMap<>();
    private final Map<ComponentId, Exporter> exporters = new LinkedHashMap<>();
    private final Map<ComponentId, Connector> connectors = new LinkedHashMap<>();
    private final Map<PipelineId, TelemetryConsumer> entries = new LinkedHashMap<>();
    private final Set<PipelineId> building = new HashSet<>();
    // Creation order is downstream first: it is the start order, and its reverse the shutdown
    // order, so data always has somewhere to go — also through connectors.
    private final List<Running> created = new ArrayList<>();
    private final List<Running> receivers = new ArrayList<>();

    Builder(Config config, Factories factories, MeterProvider meterProvider) {
      this.config = config;
      this.factories = factories;
      this.meterProvider = meterProvider;
    }

    Service build() {
      for (ComponentId id : config.service().extensions()) {
        ComponentSettings settings = settings(ComponentKind.EXTENSION, id, Optional.empty());
        ExtensionFactory<?> factory = factory(ComponentKind.EXTENSION, id);
        Extension extension =
            createExtension(factory, settings, config(ComponentKind.EXTENSION, id));
        extensions.put(id, extension);
        created.add(new Running(settings, extension));
      }
      config.service().pipelines().keySet().forEach(this::entry);
      Map<ComponentId, Map<Signal, List<TelemetryConsumer>>> receiverTargets =
          new LinkedHashMap<>();
      config
          .service()
          .pipelines()
          .forEach(
              (pipelineId, pipeline) -> {
                for (ComponentId receiver : pipeline.receivers()) {
                  if (!isConnector(receiver)) {
                    receiverTargets
                        .computeIfAbsent(receiver, r -> new EnumMap<>(Signal.class))
                        .computeIfAbsent(pipelineId.signal(), s -> new ArrayList<>())
                        .add(entries.get(pipelineId));
                  }
                }
              });
      receiverTargets.forEach(this::createReceiver);
      List<Running> startOrder = new ArrayList<>(created);
      startOrder.addAll(receivers);
      return new Service(extensions, exporters, startOrder);
    }

    private boolean isConnector(ComponentId id) {
      return config.connectors().containsKey(id);
    }

    /**
     * The entry consumer of a pipeline, building it (and, first, every connector and pipeline
     * downstream of it) if needed.
     */
    private TelemetryConsumer entry(PipelineId pipelineId) {
      TelemetryConsumer built = entries.get(pipelineId);
      if (built != null) {
        return built;
      }
      if (!building.add(pipelineId)) {
        throw new InvalidConfigException(
            List.of("service", "pipelines", pipelineId.toString()),
            "connectors form a cycle through pipeline '" + pipelineId + "'");
      }
      PipelineConfig pipeline = config.service().pipelines().get(pipelineId);
      List<TelemetryConsumer> outputs = new ArrayList<>();
      for (ComponentId id : pipeline.exporters()) {
        outputs.add(
            isConnector(id) ? connector(id) : exporters.computeIfAbsent(id, this::createExporter));
      }
      TelemetryConsumer next = FanOutConsumer.of(outputs);
      List<ComponentId> ids = pipeline.processors();
      // Created last to first, each handed its successor; started in that order too.
      for (int i = ids.size() - 1; i >= 0; i--) {
        ComponentId id = ids.get(i);
        ComponentSettings settings =
            settings(ComponentKind.PROCESSOR, id, Optional.of(pipelineId.toString()));
        ProcessorFactory<?> factory = factory(ComponentKind.PROCESSOR, id);
        Processor processor =
            createProcessor(
                factory, settings, config(ComponentKind.PROCESSOR, id), pipelineId.signal(), next);
        created.add(new Running(settings, processor));
        next = processor;
      }
      building.remove(pipelineId);
      entries.put(pipelineId, next);
      return next;
    }

    /** The connector {@code id}, created after every pipeline it feeds. */
    private Connector connector(ComponentId id) {
      Connector existing = connectors.get(id);
      if (existing != null) {
        return existing;
      }
      Map<Signal, List<TelemetryConsumer>> targets = new EnumMap<>(Signal.class);
      config
          .service()
          .pipelines()
          .forEach(
              (pipelineId, pipeline) -> {
                if (pipeline.receivers().contains(id)) {
                  targets
                      .computeIfAbsent(pipelineId.signal(), s -> new ArrayList<>())
                      .add(entry(pipelineId));
                }
              });
      Map<Signal, TelemetryConsumer> bySignal = new EnumMap<>(Signal.class);
      targets.forEach((signal, entries) -> bySignal.put(signal, FanOutConsumer.of(entries)));
      ComponentSettings settings = settings(ComponentKind.CONNECTOR, id, Optional.empty());
      ConnectorFactory<?> factory = factory(ComponentKind.CONNECTOR, id);
      Connector connector =
          createConnector(
              factory, settings, config(ComponentKind.CONNECTOR, id), Consumers.of(bySignal));
      connectors.put(id, connector);
      created.add(new Running(settings, connector));
      return connector;
    }

    private Exporter createExporter(ComponentId id) {
      ComponentSettings settings = settings(ComponentKind.EXPORTER, id, Optional.empty());
      ExporterFactory<?> factory = factory(ComponentKind.EXPORTER, id);
      Exporter exporter = createExporter(factory, settings, config(ComponentKind.EXPORTER, id));
      created.add(new Running(settings, exporter));
      return exporter;
    }

    private void createReceiver(ComponentId id, Map<Signal, List<TelemetryConsumer>> targets) {
      Map<Signal, TelemetryConsumer> bySignal = new EnumMap<>(Signal.class);
      targets.forEach((signal, entries) -> bySignal.put(signal, FanOutConsumer.of(entries)));
      ComponentSettings settings = settings(ComponentKind.RECEIVER, id, Optional.empty());
      ReceiverFactory<?> factory = factory(ComponentKind.RECEIVER, id);
      receivers.add(
          new Running(
              settings,
              createReceiver(
                  factory, settings, config(ComponentKind.RECEIVER, id), Consumers.of(bySignal))));
    }

    private ComponentSettings settings(
        ComponentKind kind, ComponentId id, Optional<String> pipeline) {
      String scope = "dev.spyglass." + kind.singular() + "." + id.type();
      return new ComponentSettings(
          id,
          kind,
          pipeline,
          LoggerFactory.getLogger(ComponentSettings.displayName(kind, id, pipeline)),
          meterProvider.meterBuilder(scope).build());
    }

    private ComponentConfig config(ComponentKind kind, ComponentId id) {
      return config.components(kind).get(id);
    }

    @SuppressWarnings("unchecked")
    private <F extends ComponentFactory<?>> F factory(ComponentKind kind, ComponentId id) {
      return (F) factories.find(kind, id.type()).orElseThrow();
    }

    private static <C extends ComponentConfig> Extension createExtension(
        ExtensionFactory<C> factory, ComponentSettings settings, ComponentConfig config) {
      return factory.create(settings, factory.configType().cast(config));
    }

    private static <C extends ComponentConfig> Exporter createExporter(
        ExporterFactory<C> factory, ComponentSettings settings, ComponentConfig config) {
      return factory.create(settings, factory.configType().cast(config));
    }

    private static <C extends ComponentConfig> Connector createConnector(
        ConnectorFactory<C> factory,
        ComponentSettings settings,
        ComponentConfig config,
        Consumers next) {
      return factory.create(settings, factory.configType().cast(config), next);
    }

    private static <C extends ComponentConfig> Processor createProcessor(
        ProcessorFactory<C> factory,
        ComponentSettings settings,
        ComponentConfig config,
        Signal signal,
        TelemetryConsumer next) {
      return factory.create(settings, factory.configType().cast(config), signal, next);
    }

    private static <C extends ComponentConfig>
        dev.spyglass.pipeline.component.Receiver createReceiver(
            ReceiverFactory<C> factory,
            ComponentSettings settings,
            ComponentConfig config,
            Consumers next) {
      return factory.create(settings, factory.configType().cast(config), next);
    }
  }
}
