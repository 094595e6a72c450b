package dev.spyglass.pipeline.testing;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Connector;
import dev.spyglass.pipeline.component.ConnectorFactory;
import dev.spyglass.pipeline.component.Consumers;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.ExporterFactory;
import dev.spyglass.pipeline.component.Extension;
import dev.spyglass.pipeline.component.ExtensionFactory;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.pipeline.component.ProcessorFactory;
import dev.spyglass.pipeline.component.Receiver;
import dev.spyglass.pipeline.component.ReceiverFactory;
import dev.spyglass.pipeline.service.Factories;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory components for tests: receiver {@code testrcv}, processor {@code testproc}, exporter
 * {@code testexp}, extension {@code testext} (all signals), plus receiver {@code logsonly} that
 * receives logs alone. Keeps every instance it creates and one lifecycle log for all of them.
 */
public final class TestFactories {
  private static final TestComponentConfig DEFAULT = new TestComponentConfig(false, "");

  public final LifecycleLog lifecycle = new LifecycleLog();
  public final Map<ComponentId, TestReceiver> receivers = new ConcurrentHashMap<>();
  public final Map<String, TestProcessor> processors = new ConcurrentHashMap<>();
  public final Map<ComponentId, TestExporter> exporters = new ConcurrentHashMap<>();

  /** The factories, ready for a {@link dev.spyglass.pipeline.service.Service}. */
  public Factories factories() {
    return register(Factories.builder()).build();
  }

  /** Adds the test factories to {@code builder}, beside real ones. */
  public Factories.Builder register(Factories.Builder builder) {
    return builder
        .receiver(receiverFactory("testrcv", EnumSet.allOf(Signal.class)))
        .receiver(receiverFactory("logsonly", EnumSet.of(Signal.LOGS)))
        .processor(processorFactory())
        .exporter(exporterFactory())
        .connector(connectorFactory())
        .extension(extensionFactory());
  }

  /** The configuration every test component gets unless a test says otherwise. */
  public static TestComponentConfig defaultConfig() {
    return DEFAULT;
  }

  private ReceiverFactory<TestComponentConfig> receiverFactory(String type, Set<Signal> signals) {
    return new ReceiverFactory<>() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public Class<TestComponentConfig> configType() {
        return TestComponentConfig.class;
      }

      @Override
      public TestComponentConfig defaultConfig() {
        return DEFAULT;
      }

      @Override
      public Set<Signal> signals() {
        return signals;
      }

      @Override
      public Receiver create(
          ComponentSettings settings, TestComponentConfig config, Consumers next) {
        TestReceiver receiver = new TestReceiver(settings, config, lifecycle, next);
        receivers.put(settings.id(), receiver);
        return receiver;
      }
    };
  }

  private ProcessorFactory<TestComponentConfig> processorFactory() {
    return new ProcessorFactory<>() {
      @Override
      public String type() {
        return "testproc";
      }

      @Override
      public Class<TestComponentConfig> configType() {
        return TestComponentConfig.class;
      }

      @Override
      public TestComponentConfig defaultConfig() {
        return DEFAULT;
      }

      @Override
      public Set<Signal> signals() {
        return EnumSet.allOf(Signal.class);
      }

      @Override
      public Processor create(
          ComponentSettings settings,
          TestComponentConfig config,
          Signal signal,
          TelemetryConsumer next) {
        TestProcessor processor = new TestProcessor(settings, config, lifecycle, next);
        processors.put(settings.displayName(), processor);
        return processor;
      }
    };
  }

  private ExporterFactory<TestComponentConfig> exporterFactory() {
    return new ExporterFactory<>() {
      @Override
      public String type() {
        return "testexp";
      }

      @Override
      public Class<TestComponentConfig> configType() {
        return TestComponentConfig.class;
      }

      @Override
      public TestComponentConfig defaultConfig() {
        return DEFAULT;
      }

      @Override
      public Set<Signal> signals() {
        return EnumSet.allOf(Signal.class);
      }

      @Override
      public Exporter create(ComponentSettings settings, TestComponentConfig config) {
        TestExporter exporter = new TestExporter(settings, config, lifecycle);
        exporters.put(settings.id(), exporter);
        return exporter;
      }
    };
  }

  /** {@code testconn}: passes each batch on to the pipelines of its signal that receive from it. */
  private ConnectorFactory<TestComponentConfig> connectorFactory() {
    return new ConnectorFactory<>() {
      @Override
      public String type() {
        return "testconn";
      }

      @Override
      public Class<TestComponentConfig> configType() {
        return TestComponentConfig.class;
      }

      @Override
      public TestComponentConfig defaultConfig() {
        return DEFAULT;
      }

      @Override
      public Set<Signal> consumes() {
        return EnumSet.allOf(Signal.class);
      }

      @Override
      public Set<Signal> produces() {
        return EnumSet.allOf(Signal.class);
      }

      @Override
      public Connector create(
          ComponentSettings settings, TestComponentConfig config, Consumers next) {
        return new TestConnector(settings, config, lifecycle, next);
      }
    };
  }

  private static final class TestConnector extends TestComponent implements Connector {
    private final Consumers next;

    TestConnector(
        ComponentSettings settings,
        TestComponentConfig config,
        LifecycleLog lifecycle,
        Consumers next) {
      super(settings, config, lifecycle);
      this.next = next;
    }

    @Override
    public CompletableFuture<Void> consume(Telemetry batch) {
      return next.forSignal(batch.signal())
          .map(consumer -> consumer.consume(batch))
          .orElseGet(() -> CompletableFuture.completedFuture(null));
    }
  }

  private ExtensionFactory<TestComponentConfig> extensionFactory() {
    return new ExtensionFactory<>() {
      @Override
      public String type() {
        return "testext";
      }

      @Override
      public Class<TestComponentConfig> configType() {
        return TestComponentConfig.class;
      }

      @Override
      public TestComponentConfig defaultConfig() {
        return DEFAULT;
      }

      @Override
      public Extension create(ComponentSettings settings, TestComponentConfig config) {
        return new TestExtension(settings, config, lifecycle);
      }
    };
  }

  private static final class TestExtension extends TestComponent implements Extension {
    TestExtension(ComponentSettings settings, TestComponentConfig config, LifecycleLog lifecycle) {
      super(settings, config, lifecycle);
    }
  }
}
