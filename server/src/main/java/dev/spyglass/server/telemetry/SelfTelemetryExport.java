package dev.spyglass.server.telemetry;

import dev.spyglass.exporter.otlp.ClientTlsSettings;
import dev.spyglass.exporter.otlp.Compression;
import dev.spyglass.exporter.otlp.OtlpExporterConfig;
import dev.spyglass.exporter.otlp.OtlpExporterFactory;
import dev.spyglass.exporter.otlp.OtlpHttpExporterConfig;
import dev.spyglass.exporter.otlp.OtlpHttpExporterFactory;
import dev.spyglass.exporter.otlp.QueueSettings;
import dev.spyglass.exporter.otlp.RetrySettings;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.Extension;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.pipeline.service.TelemetryConfig.PeriodicReader;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;

/**
 * A periodic OTLP export of Spyglass's own metrics, sent by the same {@code otlp} / {@code
 * otlphttp} exporters pipelines use — without a queue and without retries, and not measuring
 * itself, so that exporting self-telemetry (also into Spyglass's own receiver) can never feed on
 * itself: a failed export is dropped and the next interval sends fresh values.
 */
public final class SelfTelemetryExport {
  private static final Duration UNUSED = Duration.ofSeconds(1);

  private SelfTelemetryExport() {}

  /** Checks {@code reader}'s exporter settings; errors name the key under {@code otlp}. */
  public static void check(PeriodicReader reader) {
    switch (reader.protocol()) {
      case "grpc" -> grpc(reader).validate();
      case "http/protobuf", "http/json" -> http(reader).validate();
      default ->
          throw new InvalidConfigException(
              "protocol",
              "expected grpc, http/protobuf or http/json, got '" + reader.protocol() + "'");
    }
  }

  /** A metric reader that exports every {@code interval} through an OTLP exporter. */
  static MetricReader reader(PeriodicReader reader) {
    Exporter exporter;
    String id;
    if (reader.protocol().equals("grpc")) {
      id = "otlp/self-telemetry";
      exporter = new OtlpExporterFactory().create(settings(id), grpc(reader));
    } else {
      id = "otlphttp/self-telemetry";
      exporter = new OtlpHttpExporterFactory().create(settings(id), http(reader));
    }
    exporter.start(NO_HOST);
    return PeriodicMetricReader.builder(
            new OtlpMetricExporter(exporter, LoggerFactory.getLogger("telemetry")))
        .setInterval(reader.interval())
        .build();
  }

  private static ComponentSettings settings(String id) {
    // No meter, no per-batch log: the export of self-telemetry does not measure or log itself;
    // OtlpMetricExporter logs failures at most once a minute.
    return new ComponentSettings(
        ComponentId.parse(id),
        ComponentKind.EXPORTER,
        Optional.empty(),
        NOPLogger.NOP_LOGGER,
        MeterProvider.noop().get("self-telemetry"));
  }

  private static OtlpExporterConfig grpc(PeriodicReader reader) {
    return new OtlpExporterConfig(
        reader.endpoint(),
        new ClientTlsSettings(false, false, "", "", ""),
        reader.headers(),
        compression(reader),
        reader.timeout(),
        NO_RETRY,
        NO_QUEUE);
  }

  private static OtlpHttpExporterConfig http(PeriodicReader reader) {
    if (reader.endpoint().isEmpty()) {
      throw new InvalidConfigException(
          "endpoint", "is required, e.g. http://127.0.0.1:4318/v1/metrics");
    }
    return new OtlpHttpExporterConfig(
        "",
        reader.endpoint(),
        reader.endpoint(),
        reader.endpoint(),
        reader.protocol().equals("http/json")
            ? OtlpHttpExporterConfig.Encoding.JSON
            : OtlpHttpExporterConfig.Encoding.PROTO,
        new ClientTlsSettings(false, false, "", "", ""),
        reader.headers(),
        compression(reader),
        reader.timeout(),
        NO_RETRY,
        NO_QUEUE);
  }

  private static Compression compression(PeriodicReader reader) {
    try {
      return Compression.parse(reader.compression());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("compression", e.getMessage());
    }
  }

  private static final RetrySettings NO_RETRY =
      new RetrySettings(false, UNUSED, 0, 1, UNUSED, Duration.ZERO);
  private static final QueueSettings NO_QUEUE = new QueueSettings(false, 1, 1, "");

  private static final Host NO_HOST =
      new Host() {
        @Override
        public Map<ComponentId, Extension> extensions() {
          return Map.of();
        }

        @Override
        public Map<ComponentId, Exporter> exporters() {
          return Map.of();
        }

        @Override
        public Health readiness() {
          return Health.ok();
        }
      };
}
