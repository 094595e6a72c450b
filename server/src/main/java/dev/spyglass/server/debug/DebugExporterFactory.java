package dev.spyglass.server.debug;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.ExporterFactory;
import java.util.EnumSet;
import java.util.Set;

/** The {@code debug} exporter: writes what arrives to the log, as the Collector's does. */
public final class DebugExporterFactory implements ExporterFactory<DebugExporterConfig> {

  @Override
  public String type() {
    return "debug";
  }

  @Override
  public Class<DebugExporterConfig> configType() {
    return DebugExporterConfig.class;
  }

  @Override
  public DebugExporterConfig defaultConfig() {
    return new DebugExporterConfig(DebugExporterConfig.Verbosity.BASIC, 2, 1);
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public Exporter create(ComponentSettings settings, DebugExporterConfig config) {
    return new DebugExporter(settings, config, System::nanoTime);
  }
}
