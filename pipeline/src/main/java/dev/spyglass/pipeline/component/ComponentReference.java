package dev.spyglass.pipeline.component;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Another component that a component's configuration names — the store the {@code api} extension
 * reads, the {@code file_storage} a sending queue writes to — so that the service checks, before
 * anything starts, that it exists and is of the right kind, and points at the line if not.
 *
 * @param key the dotted key holding the id, relative to the component's section ({@code storage})
 * @param kind what kind of component it must be
 * @param id the id it names
 * @param factoryType what the named component's factory must be ({@code StorageFactory.class})
 * @param what what it must be, in words ({@code a store exporter})
 */
public record ComponentReference(
    String key, ComponentKind kind, ComponentId id, Class<?> factoryType, String what) {
  public ComponentReference {
    requireNonNull(key, "key");
    requireNonNull(kind, "kind");
    requireNonNull(id, "id");
    requireNonNull(factoryType, "factoryType");
    requireNonNull(what, "what");
  }

  /** The path of the key, as {@link InvalidConfigException} takes it. */
  public List<Object> path() {
    return new InvalidConfigException(key, "").path();
  }
}
