package dev.spyglass.storage;

import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.pipeline.component.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Writes every signal to the embedded {@link TelemetryStore}; its reader serves queries. */
final class SpyglassExporter implements Exporter, StoreHolder {
  private final ComponentSettings settings;
  private final StoreConfig config;
  private volatile TelemetryStore store;

  SpyglassExporter(ComponentSettings settings, StoreConfig config) {
    this.settings = settings;
    this.config = config;
  }

  /** Opens the store, replaying the write-ahead log; returns when it is ready. */
  @Override
  public void start(Host host) {
    try {
      store = TelemetryStore.open(config, settings.logger(), settings.meter());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the store at " + config.path(), e);
    }
    settings
        .logger()
        .info("store open at {}", java.nio.file.Path.of(config.path()).toAbsolutePath());
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    TelemetryStore current = store;
    if (current == null) {
      return CompletableFuture.failedFuture(
          new RetryableException("the store is not open", Duration.ofSeconds(1)));
    }
    return current.write(batch);
  }

  @Override
  public Health check() {
    TelemetryStore current = store;
    return current == null ? Health.notReady("the store is not open") : current.health();
  }

  @Override
  public TelemetryStore store() {
    TelemetryStore current = store;
    if (current == null) {
      throw new IllegalStateException("the store is not open");
    }
    return current;
  }

  @Override
  public void shutdown() {
    TelemetryStore current = store;
    if (current != null) {
      try {
        current.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
