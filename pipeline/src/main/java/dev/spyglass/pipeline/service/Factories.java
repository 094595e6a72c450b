package dev.spyglass.pipeline.service;

import dev.spyglass.pipeline.component.ComponentFactory;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ConnectorFactory;
import dev.spyglass.pipeline.component.ExporterFactory;
import dev.spyglass.pipeline.component.ExtensionFactory;
import dev.spyglass.pipeline.component.ProcessorFactory;
import dev.spyglass.pipeline.component.ReceiverFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The component factories a service can use, by kind and type. Built once, then read-only. */
public final class Factories {
  private final Map<ComponentKind, Map<String, ComponentFactory<?>>> byKind;

  private Factories(Map<ComponentKind, Map<String, ComponentFactory<?>>> byKind) {
    this.byKind = byKind;
  }

  /** A builder; registering two factories of one kind and type is an error. */
  public static Builder builder() {
    return new Builder();
  }

  /** The factory of {@code kind} for {@code type}, if there is one. */
  public Optional<ComponentFactory<?>> find(ComponentKind kind, String type) {
    return Optional.ofNullable(byKind.get(kind).get(type));
  }

  /** The types known for {@code kind}, sorted. */
  public List<String> types(ComponentKind kind) {
    return List.copyOf(byKind.get(kind).keySet());
  }

  /** Collects factories. */
  public static final class Builder {
    private final Map<ComponentKind, Map<String, ComponentFactory<?>>> byKind = new TreeMap<>();

    private Builder() {
      for (ComponentKind kind : ComponentKind.values()) {
        byKind.put(kind, new TreeMap<>());
      }
    }

    /** Adds a receiver factory. */
    public Builder receiver(ReceiverFactory<?> factory) {
      return add(ComponentKind.RECEIVER, factory);
    }

    /** Adds a processor factory. */
    public Builder processor(ProcessorFactory<?> factory) {
      return add(ComponentKind.PROCESSOR, factory);
    }

    /** Adds an exporter factory. */
    public Builder exporter(ExporterFactory<?> factory) {
      return add(ComponentKind.EXPORTER, factory);
    }

    /** Adds a connector factory. */
    public Builder connector(ConnectorFactory<?> factory) {
      return add(ComponentKind.CONNECTOR, factory);
    }

    /** Adds an extension factory. */
    public Builder extension(ExtensionFactory<?> factory) {
      return add(ComponentKind.EXTENSION, factory);
    }

    private Builder add(ComponentKind kind, ComponentFactory<?> factory) {
      ComponentFactory<?> previous = byKind.get(kind).putIfAbsent(factory.type(), factory);
      if (previous != null) {
        throw new IllegalArgumentException(
            "two " + kind.singular() + " factories for type '" + factory.type() + "'");
      }
      return this;
    }

    /** The factories added so far. */
    public Factories build() {
      Map<ComponentKind, Map<String, ComponentFactory<?>>> copy = new TreeMap<>();
      byKind.forEach(
          (kind, types) -> copy.put(kind, Collections.unmodifiableMap(new TreeMap<>(types))));
      return new Factories(Collections.unmodifiableMap(copy));
    }
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    byKind.forEach((kind, types) -> parts.add(kind.section() + "=" + types.keySet()));
    return "Factories" + parts;
  }
}
