package dev.spyglass.server.debug;

import com.google.protobuf.TextFormat;
import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.Traces;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.ExporterCounts;
import dev.spyglass.server.debug.DebugExporterConfig.Verbosity;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * Writes each batch to the log, one line per batch, and at higher verbosity one line per record.
 * Never fails a batch: what it could not format it says so in the log.
 */
final class DebugExporter implements Exporter {
  private static final HexFormat HEX = HexFormat.of();
  private static final TextFormat.Printer SINGLE_LINE =
      TextFormat.printer().emittingSingleLine(true);
  private static final long SECOND_NANOS = 1_000_000_000L;

  private final Logger log;
  private final Verbosity verbosity;
  private final int samplingInitial;
  private final int samplingThereafter;
  private final LongSupplier nanoClock;
  private final ExporterCounts counts;
  private long windowStart;
  private long inWindow;

  DebugExporter(ComponentSettings settings, DebugExporterConfig config, LongSupplier nanoClock) {
    this.log = settings.logger();
    this.verbosity = config.verbosity();
    this.samplingInitial = config.samplingInitial();
    this.samplingThereafter = config.samplingThereafter();
    this.nanoClock = nanoClock;
    this.windowStart = nanoClock.getAsLong();
    this.counts = ExporterCounts.create(settings);
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    counts.sent(batch.signal(), batch.itemCount());
    if (sampled()) {
      switch (batch) {
        case Traces traces -> writeTraces(traces);
        case Metrics metrics -> writeMetrics(metrics);
        case Logs logs -> writeLogs(logs);
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  /** True for the first {@code samplingInitial} batches of each second, then 1 in N. */
  synchronized boolean sampled() {
    long now = nanoClock.getAsLong();
    if (now - windowStart >= SECOND_NANOS) {
      windowStart = now;
      inWindow = 0;
    }
    inWindow++;
    return inWindow <= samplingInitial || (inWindow - samplingInitial) % samplingThereafter == 0;
  }

  private void writeTraces(Traces traces) {
    List<ResourceSpans> resources = traces.request().getResourceSpansList();
    log.info("Traces: {} resource spans, {} spans", resources.size(), traces.itemCount());
    if (verbosity == Verbosity.BASIC) {
      return;
    }
    for (ResourceSpans resource : resources) {
      writeResource(resource.getResource().getAttributesList());
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          if (verbosity == Verbosity.DETAILED) {
            log.info("  span {}", SINGLE_LINE.printToString(span));
          } else {
            log.info(
                "  {} trace_id={} span_id={} duration={}ns {}",
                span.getName(),
                HEX.formatHex(span.getTraceId().toByteArray()),
                HEX.formatHex(span.getSpanId().toByteArray()),
                span.getEndTimeUnixNano() - span.getStartTimeUnixNano(),
                attributes(span.getAttributesList()));
          }
        }
      }
    }
  }

  private void writeMetrics(Metrics metrics) {
    List<ResourceMetrics> resources = metrics.request().getResourceMetricsList();
    log.info("Metrics: {} resource metrics, {} data points", resources.size(), metrics.itemCount());
    if (verbosity == Verbosity.BASIC) {
      return;
    }
    for (ResourceMetrics resource : resources) {
      writeResource(resource.getResource().getAttributesList());
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        for (Metric metric : scope.getMetricsList()) {
          if (verbosity == Verbosity.DETAILED) {
            log.info("  metric {}", SINGLE_LINE.printToString(metric));
          } else {
            log.info(
                "  {} {} {} data points",
                metric.getName(),
                metric.getDataCase().name().toLowerCase(java.util.Locale.ROOT),
                Metrics.dataPointCount(metric));
          }
        }
      }
    }
  }

  private void writeLogs(Logs logs) {
    List<ResourceLogs> resources = logs.request().getResourceLogsList();
    log.info("Logs: {} resource logs, {} log records", resources.size(), logs.itemCount());
    if (verbosity == Verbosity.BASIC) {
      return;
    }
    for (ResourceLogs resource : resources) {
      writeResource(resource.getResource().getAttributesList());
      for (ScopeLogs scope : resource.getScopeLogsList()) {
        for (LogRecord record : scope.getLogRecordsList()) {
          if (verbosity == Verbosity.DETAILED) {
            log.info("  log {}", SINGLE_LINE.printToString(record));
          } else {
            log.info(
                "  {} {} {} {}",
                Instant.ofEpochSecond(0, record.getTimeUnixNano()),
                record.getSeverityText().isEmpty()
                    ? record.getSeverityNumber().name()
                    : record.getSeverityText(),
                text(record.getBody()),
                attributes(record.getAttributesList()));
          }
        }
      }
    }
  }

  private void writeResource(List<KeyValue> attributes) {
    log.info(" resource {}", attributes(attributes));
  }

  private static String attributes(List<KeyValue> attributes) {
    return attributes.stream()
        .map(kv -> kv.getKey() + "=" + text(kv.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case BYTES_VALUE -> HEX.formatHex(value.getBytesValue().toByteArray());
      case VALUE_NOT_SET -> "";
      default -> SINGLE_LINE.printToString(value);
    };
  }
}
