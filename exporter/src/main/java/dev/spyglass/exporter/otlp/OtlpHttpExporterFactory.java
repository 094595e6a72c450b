package dev.spyglass.exporter.otlp;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.ExporterFactory;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The {@code otlphttp} exporter: OTLP over HTTP, protobuf or JSON. */
public final class OtlpHttpExporterFactory implements ExporterFactory<OtlpHttpExporterConfig> {

  @Override
  public String type() {
    return "otlphttp";
  }

  @Override
  public Class<OtlpHttpExporterConfig> configType() {
    return OtlpHttpExporterConfig.class;
  }

  @Override
  public OtlpHttpExporterConfig defaultConfig() {
    return new OtlpHttpExporterConfig(
        "",
        "",
        "",
        "",
        OtlpHttpExporterConfig.Encoding.PROTO,
        ClientTlsSettings.DEFAULT,
        Map.of(),
        Compression.GZIP,
        Duration.ofSeconds(30),
        RetrySettings.DEFAULT,
        QueueSettings.DEFAULT);
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public Exporter create(ComponentSettings settings, OtlpHttpExporterConfig config) {
    return new OtlpExporter(settings, config, () -> new HttpSender(config));
  }
}
