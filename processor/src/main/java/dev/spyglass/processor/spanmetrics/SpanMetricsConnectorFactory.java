package dev.spyglass.processor.spanmetrics;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Connector;
import dev.spyglass.pipeline.component.ConnectorFactory;
import dev.spyglass.pipeline.component.Consumers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The {@code spanmetrics} connector: traces in, metrics out. */
public final class SpanMetricsConnectorFactory implements ConnectorFactory<SpanMetricsConfig> {

  @Override
  public String type() {
    return "spanmetrics";
  }

  @Override
  public Class<SpanMetricsConfig> configType() {
    return SpanMetricsConfig.class;
  }

  @Override
  public SpanMetricsConfig defaultConfig() {
    return new SpanMetricsConfig(
        new SpanMetricsConfig.Histogram(
            false, "ms", new SpanMetricsConfig.Explicit(SpanMetricsConfig.defaultBuckets()), null),
        List.of(),
        List.of(),
        SpanMetricsConfig.CUMULATIVE,
        Duration.ofSeconds(60),
        "traces.span.metrics",
        0);
  }

  @Override
  public Set<Signal> consumes() {
    return EnumSet.of(Signal.TRACES);
  }

  @Override
  public Set<Signal> produces() {
    return EnumSet.of(Signal.METRICS);
  }

  @Override
  public Connector create(ComponentSettings settings, SpanMetricsConfig config, Consumers next) {
    Clock clock = Clock.systemUTC();
    return new SpanMetricsConnector(
        settings,
        config,
        next,
        () -> {
          Instant now = clock.instant();
          return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        });
  }
}
