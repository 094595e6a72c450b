package dev.spyglass.storage;

import java.util.Optional;

/**
 * A component that owns a store — the {@code spyglass} exporter owns the embedded one — and hands
 * it to the components configured to read it ({@code extensions.api.storage}).
 */
public interface StorageProvider {

  /** The store, once the component has started and opened it; empty before. */
  Optional<StorageComponent> storage();

  /** The store of the exporter {@code id} of {@code host}, once it has opened; else empty. */
  static Optional<StorageComponent> of(
      dev.spyglass.pipeline.component.Host host, dev.spyglass.pipeline.component.ComponentId id) {
    return host.exporters().get(id) instanceof StorageProvider provider
        ? provider.storage()
        : Optional.empty();
  }
}
