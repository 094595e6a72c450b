package dev.spyglass.exporter.otlp;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.ExporterFactory;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The {@code otlp} exporter: OTLP over gRPC to another collector or backend. */
public final class OtlpExporterFactory implements ExporterFactory<OtlpExporterConfig> {

  @Override
  public String type() {
    return "otlp";
  }

  @Override
  public Class<OtlpExporterConfig> configType() {
    return OtlpExporterConfig.class;
  }

  @Override
  public OtlpExporterConfig defaultConfig() {
    return new OtlpExporterConfig(
        "",
        ClientTlsSettings.DEFAULT,
        Map.of(),
        Compression.GZIP,
        Duration.ofSeconds(5),
        RetrySettings.DEFAULT,
        QueueSettings.DEFAULT);
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public Exporter create(ComponentSettings settings, OtlpExporterConfig config) {
    return new OtlpExporter(settings, config, () -> new GrpcSender(config));
  }
}
