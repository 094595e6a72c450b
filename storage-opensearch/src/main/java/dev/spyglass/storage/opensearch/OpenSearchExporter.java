package dev.spyglass.storage.opensearch;

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
 * Writes every signal to an OpenSearch cluster through {@link OpenSearchStore}, counting what it
 * took and refused as every exporter does; the store's reader serves queries ({@code
 * extensions.api.storage: opensearch}).
 */
final class OpenSearchExporter implements Exporter, StorageProvider {
  private final ComponentSettings settings;
  private final OpenSearchConfig config;
  private final ExporterCounts counts;
  private volatile OpenSearchStore store;

  OpenSearchExporter(ComponentSettings settings, OpenSearchConfig config) {
    this.settings = settings;
    this.config = config;
    this.counts = ExporterCounts.create(settings);
  }

  /** Opens the local write-ahead log and replays what OpenSearch has not confirmed. */
  @Override
  public void start(Host host) {
    try {
      store = OpenSearchStore.open(config, settings.logger(), settings.meter());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the local log at " + config.path(), e);
    }
    settings
        .logger()
        .info(
            "shipping to OpenSearch at {}, acknowledged once in {}",
            config.http().endpoint(),
            java.nio.file.Path.of(config.path()).toAbsolutePath());
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    OpenSearchStore current = store;
    CompletableFuture<Void> written =
        current == null
            ? CompletableFuture.failedFuture(
                new RetryableException("the store is not open", Duration.ofSeconds(1)))
            : current.consume(batch);
    return counts.counting(batch, written);
  }

  @Override
  public Health check() {
    OpenSearchStore current = store;
    return current == null ? Health.notReady("the store is not open") : current.check();
  }

  @Override
  public Optional<StorageComponent> storage() {
    return Optional.ofNullable(store);
  }

  /** Stops intake, gives OpenSearch a moment to confirm the rest, keeps what it did not. */
  @Override
  public void shutdown() {
    OpenSearchStore current = store;
    if (current != null) {
      try {
        current.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
