package dev.spyglass.server.telemetry;

import dev.spyglass.pipeline.service.TelemetryConfig;
import dev.spyglass.pipeline.service.TelemetryConfig.PeriodicReader;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;

/**
 * Spyglass's own metrics: every component's counters, recorded through the OpenTelemetry SDK and
 * read as Prometheus text for {@code /metrics} and, if configured, exported over OTLP.
 */
public final class SelfTelemetry implements AutoCloseable {
  /** The content type of {@link #writePrometheusText}. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private final PrometheusMetricReader reader;
  private final SdkMeterProvider meterProvider;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  private SelfTelemetry(TelemetryConfig config) {
    reader = PrometheusMetricReader.create();
    SdkMeterProviderBuilder builder =
        SdkMeterProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"),
                                "spyglass",
                                AttributeKey.stringKey("service.instance.id"),
                                UUID.randomUUID().toString()))))
            .registerMetricReader(reader);
    for (PeriodicReader periodic : config.metricReaders()) {
      builder.registerMetricReader(SelfTelemetryExport.reader(periodic));
    }
    meterProvider = builder.build();
  }

  /** Self-telemetry served at {@code /metrics} only. */
  public static SelfTelemetry create() {
    return new SelfTelemetry(TelemetryConfig.NONE);
  }

  /** Self-telemetry served at {@code /metrics} and exported as {@code config} says. */
  public static SelfTelemetry create(TelemetryConfig config) {
    return new SelfTelemetry(config);
  }

  /** Where components record their metrics. */
  public MeterProvider meterProvider() {
    return meterProvider;
  }

  /** Every metric now, in the Prometheus text format. */
  public void writePrometheusText(OutputStream out) throws IOException {
    writer.write(out, reader.collect());
  }

  @Override
  public void close() {
    meterProvider.close();
  }
}
