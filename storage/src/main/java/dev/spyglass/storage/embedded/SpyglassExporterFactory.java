package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.ExporterFactory;
import dev.spyglass.storage.StorageFactory;
import java.util.EnumSet;
import java.util.Set;

/** The {@code spyglass} exporter: the embedded store, for every signal. */
public final class SpyglassExporterFactory implements ExporterFactory<StoreConfig>, StorageFactory {

  @Override
  public String type() {
    return "spyglass";
  }

  @Override
  public Class<StoreConfig> configType() {
    return StoreConfig.class;
  }

  @Override
  public StoreConfig defaultConfig() {
    return StoreConfig.defaults();
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public Exporter create(ComponentSettings settings, StoreConfig config) {
    return new SpyglassExporter(settings, config);
  }
}
