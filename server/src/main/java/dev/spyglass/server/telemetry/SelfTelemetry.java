package dev.spyglass.server.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Spyglass's own metrics: every component's counters, recorded through the OpenTelemetry SDK and
 * read as Prometheus text for {@code /metrics}.
 */
public final class SelfTelemetry implements AutoCloseable {
  /** The content type of {@link #writePrometheusText}. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private final PrometheusMetricReader reader;
  private final SdkMeterProvider meterProvider;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  private SelfTelemetry() {
    reader = PrometheusMetricReader.create();
    meterProvider =
        SdkMeterProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), "spyglass"))))
            .registerMetricReader(reader)
            .build();
  }

  public static SelfTelemetry create() {
    return new SelfTelemetry();
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
