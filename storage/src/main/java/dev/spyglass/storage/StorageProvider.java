package dev.spyglass.storage;

import java.util.Optional;

/**
 * A component that owns a store — the {@code spyglass} exporter owns the embedded one — and hands
 * it to the components configured to read it ({@code extensions.api.storage}).
 */
public interface StorageProvider {

  /** The store, once the component has started and opened it; empty before. */
  Optional<StorageComponent> storage();
}
