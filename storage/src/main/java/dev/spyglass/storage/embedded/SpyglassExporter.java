package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
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

  /** A {@link TelemetryStore}, or {@link TenantStores} with multitenancy on. */
  private volatile StorageComponent store;

  SpyglassExporter(ComponentSettings settings, StoreConfig config) {
    this.settings = settings;
    this.config = config;
    this.counts = ExporterCounts.create(settings);
  }

  /** Opens the store, replaying the write-ahead log; returns when it is ready. */
  @Override
  public void start(Host host) {
    try {
      store =
          config.multitenancy() != null && config.multitenancy().enabled()
              ? TenantStores.open(config, settings.logger(), settings.meter())
              : TelemetryStore.open(config, settings.logger(), settings.meter());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the store at " + config.path(), e);
    }
    settings
        .logger()
        .info("store open at {}", java.nio.file.Path.of(config.path()).toAbsolutePath());
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    StorageComponent current = store;
    CompletableFuture<Void> written =
        current == null
            ? CompletableFuture.failedFuture(
                new RetryableException("the store is not open", Duration.ofSeconds(1)))
            : TelemetryConsumer.consumeSafely(current.consumer(), batch);
    return counts.counting(batch, written);
  }

  @Override
  public Health check() {
    StorageComponent current = store;
    return current == null ? Health.notReady("the store is not open") : current.check();
  }

  @Override
  public Optional<StorageComponent> storage() {
    return Optional.ofNullable(store);
  }

  @Override
  public void shutdown() {
    StorageComponent current = store;
    if (current instanceof java.io.Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
