package dev.spyglass.exporter.otlp;

import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.Extension;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.pipeline.component.Host;
import io.opentelemetry.api.metrics.MeterProvider;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/** Settings, hosts and fast retry settings for exporter tests. */
final class ExporterFixtures {
  private ExporterFixtures() {}

  /** Retries quickly: 50 ms doubling to 200 ms, for at most {@code maxElapsed}. */
  static RetrySettings fastRetry(Duration maxElapsed) {
    return new RetrySettings(
        true, Duration.ofMillis(50), 0.0, 2.0, Duration.ofMillis(200), maxElapsed);
  }

  static final QueueSettings NO_QUEUE = new QueueSettings(false, 1, 1, "");

  static ComponentSettings settings(String id) {
    return new ComponentSettings(
        ComponentId.parse(id),
        ComponentKind.EXPORTER,
        Optional.empty(),
        LoggerFactory.getLogger("exporter/" + id),
        MeterProvider.noop().get("test"));
  }

  static Host host(Map<ComponentId, Extension> extensions) {
    return new Host() {
      @Override
      public Map<ComponentId, Extension> extensions() {
        return extensions;
      }

      @Override
      public Map<ComponentId, Exporter> exporters() {
        return Map.of();
      }

      @Override
      public Health readiness() {
        return Health.ok();
      }
    };
  }
}
