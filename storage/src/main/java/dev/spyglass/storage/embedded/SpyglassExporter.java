package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.ExporterCounts;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.storage.StorageComponent;
import dev.spyglass.storage.StorageProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Writes every signal to the embedded {@link TelemetryStore}, counting what it took and refused as
 * every exporter does; the store's reader serves queries.
 */
final class SpyglassExporter implements Exporter, StorageProvider {
  private final ComponentSettings settings;
  private final StoreConfig config;
  private final ExporterCounts counts;
  private volatile TelemetryStore store;

  SpyglassExporter(ComponentSettings settings, StoreConfig config) {
    this.settings = settings;
    this.config = config;
    this.counts = ExporterCounts.create(settings);
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
    CompletableFuture<Void> written =
        current == null
            ? CompletableFuture.failedFuture(
                new RetryableException("the store is not open", Duration.ofSeconds(1)))
            : current.write(batch);
    return counts.counting(batch, written);
  }

  @Override
  public Health check() {
    TelemetryStore current = store;
    return current == null ? Health.notReady("the store is not open") : current.health();
  }

  @Override
  public Optional<StorageComponent> storage() {
    return Optional.ofNullable(store);
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
