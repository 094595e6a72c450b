package dev.spyglass.server;

import dev.spyglass.pipeline.service.Factories;
import dev.spyglass.receiver.otlp.OtlpReceiverFactory;
import dev.spyglass.server.api.ApiExtensionFactory;
import dev.spyglass.server.debug.DebugExporterFactory;
import dev.spyglass.storage.SpyglassExporterFactory;

/** The one place that lists every component type Spyglass ships. */
public final class ComponentRegistry {
  private ComponentRegistry() {}

  /** Every built-in receiver, processor, exporter and extension factory. */
  public static Factories factories() {
    return Factories.builder()
        .receiver(new OtlpReceiverFactory())
        .exporter(new DebugExporterFactory())
        .exporter(new SpyglassExporterFactory())
        .extension(new ApiExtensionFactory())
        .build();
  }
}
