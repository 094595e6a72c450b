package dev.spyglass.storage;

/** A component that holds a {@link TelemetryStore}: how the query API finds the store to read. */
public interface StoreHolder {

  /** The open store; throws {@link IllegalStateException} before the component has started. */
  TelemetryStore store();
}
