package dev.spyglass.storage;

import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.Health;

/**
 * A store, as zipkin's {@code StorageComponent}: a write side, a read side and its health. The
 * embedded Lucene store is one; an OpenSearch cluster is another. Nothing outside an implementation
 * sees its engine.
 */
public interface StorageComponent {

  /**
   * Takes batches; a batch's future completes once it is durable (acknowledged), or fails with a
   * retryable or permanent error.
   */
  TelemetryConsumer consumer();

  /**
   * Reads what was written (within the store's refresh interval); in a store that keeps tenants
   * apart, the default tenant's data, or none when there is no default tenant.
   */
  TelemetryReader reader();

  /**
   * Whether this store keeps data per tenant (docs/adr/0022): then every read must name its tenant
   * through {@link #reader(String)}.
   */
  default boolean multitenant() {
    return false;
  }

  /** The tenant of data and reads that name none; empty when they are refused. */
  default java.util.Optional<String> defaultTenant() {
    return java.util.Optional.empty();
  }

  /**
   * Reads {@code tenant}'s data only (nothing for a tenant that never wrote); a store without
   * tenants has one reader for everyone.
   */
  default TelemetryReader reader(String tenant) {
    return reader();
  }

  /** Ready to read and write; otherwise why not. */
  Health check();

  /**
   * The local directory the store keeps its files in, where components that keep state beside the
   * data (the alerts' state) may keep theirs; empty for a store with none.
   */
  default java.util.Optional<java.nio.file.Path> directory() {
    return java.util.Optional.empty();
  }
}
