package dev.spyglass.storage.opensearch;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.ExporterFactory;
import dev.spyglass.storage.StorageFactory;
import java.util.EnumSet;
import java.util.Set;

/** The {@code opensearch} exporter: the store on an OpenSearch cluster, for every signal. */
public final class OpenSearchExporterFactory
    implements ExporterFactory<OpenSearchConfig>, StorageFactory {

  @Override
  public String type() {
    return "opensearch";
  }

  @Override
  public Class<OpenSearchConfig> configType() {
    return OpenSearchConfig.class;
  }

  @Override
  public OpenSearchConfig defaultConfig() {
    return OpenSearchConfig.defaults();
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public Exporter create(ComponentSettings settings, OpenSearchConfig config) {
    return new OpenSearchExporter(settings, config);
  }
}
