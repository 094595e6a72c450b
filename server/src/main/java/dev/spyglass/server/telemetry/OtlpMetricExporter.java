package dev.spyglass.server.telemetry;

import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.component.Exporter;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Hands the SDK's metrics to a Spyglass OTLP exporter: the SDK's own OTLP marshaler writes the
 * request (so the mapping is the SDK's), the exporter sends it.
 */
final class OtlpMetricExporter implements MetricExporter {
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Exporter exporter;
  private final Logger log;
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

  OtlpMetricExporter(Exporter exporter, Logger log) {
    this.exporter = exporter;
    this.log = log;
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    if (metrics.isEmpty()) {
      return CompletableResultCode.ofSuccess();
    }
    ExportMetricsServiceRequest request;
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MetricsRequestMarshaler.create(metrics).writeBinaryTo(out);
      request = ExportMetricsServiceRequest.parseFrom(out.toByteArray());
    } catch (IOException e) {
      warn("cannot encode self-telemetry: " + e);
      return CompletableResultCode.ofSuccess();
    }
    CompletableResultCode result = new CompletableResultCode();
    exporter
        .consume(Metrics.of(request, RequestContext.EMPTY))
        .whenComplete(
            (ok, failure) -> {
              if (failure == null) {
                result.succeed();
              } else {
                warn(
                    "self-telemetry export failed (dropped; next interval sends fresh values): "
                        + failure.getMessage());
                result.fail();
              }
            });
    return result;
  }

  /** At most one warning a minute, so a failing export cannot flood the log. */
  private void warn(String message) {
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
      log.warn(message);
    }
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    exporter.shutdown();
    return CompletableResultCode.ofSuccess();
  }
}
