package dev.spyglass.receiver.otlp;

import com.google.protobuf.ByteString;
import dev.spyglass.pipeline.Metrics;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * A request with the records that cannot be stored taken out, and how many there were — what OTLP's
 * {@code partial_success} reports. A span needs a valid 16-byte trace id and 8-byte span id (not
 * all zeros); a log record's ids, when present, must have those lengths; a metric needs a name. The
 * request is rebuilt only when something was rejected.
 *
 * @param request the request to pass on (the original when nothing was rejected)
 * @param rejected how many items were taken out
 * @param message why, for the client; empty when nothing was rejected
 */
record Validated<T>(T request, long rejected, String message) {

  static Validated<ExportTraceServiceRequest> traces(ExportTraceServiceRequest request) {
    long rejected = 0;
    for (ResourceSpans resource : request.getResourceSpansList()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          if (!valid(span)) {
            rejected++;
          }
        }
      }
    }
    if (rejected == 0) {
      return new Validated<>(request, 0, "");
    }
    ExportTraceServiceRequest.Builder kept = request.toBuilder();
    for (ResourceSpans.Builder resource : kept.getResourceSpansBuilderList()) {
      for (ScopeSpans.Builder scope : resource.getScopeSpansBuilderList()) {
        var spans = scope.getSpansList().stream().filter(Validated::valid).toList();
        scope.clearSpans().addAllSpans(spans);
      }
    }
    return new Validated<>(
        kept.build(),
        rejected,
        rejected + " spans rejected: trace_id must be 16 bytes and span_id 8 bytes, not all zero");
  }

  static Validated<ExportLogsServiceRequest> logs(ExportLogsServiceRequest request) {
    long rejected = 0;
    for (ResourceLogs resource : request.getResourceLogsList()) {
      for (ScopeLogs scope : resource.getScopeLogsList()) {
        for (LogRecord record : scope.getLogRecordsList()) {
          if (!valid(record)) {
            rejected++;
          }
        }
      }
    }
    if (rejected == 0) {
      return new Validated<>(request, 0, "");
    }
    ExportLogsServiceRequest.Builder kept = request.toBuilder();
    for (ResourceLogs.Builder resource : kept.getResourceLogsBuilderList()) {
      for (ScopeLogs.Builder scope : resource.getScopeLogsBuilderList()) {
        var records = scope.getLogRecordsList().stream().filter(Validated::valid).toList();
        scope.clearLogRecords().addAllLogRecords(records);
      }
    }
    return new Validated<>(
        kept.build(),
        rejected,
        rejected + " log records rejected: trace_id must be empty or 16 bytes, span_id empty or 8");
  }

  static Validated<ExportMetricsServiceRequest> metrics(ExportMetricsServiceRequest request) {
    long rejected = 0;
    boolean anyInvalid = false;
    for (ResourceMetrics resource : request.getResourceMetricsList()) {
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        for (Metric metric : scope.getMetricsList()) {
          if (metric.getName().isEmpty()) {
            anyInvalid = true;
            rejected += Metrics.dataPointCount(metric);
          }
        }
      }
    }
    if (!anyInvalid) {
      return new Validated<>(request, 0, "");
    }
    ExportMetricsServiceRequest.Builder kept = request.toBuilder();
    for (ResourceMetrics.Builder resource : kept.getResourceMetricsBuilderList()) {
      for (ScopeMetrics.Builder scope : resource.getScopeMetricsBuilderList()) {
        var metrics = scope.getMetricsList().stream().filter(m -> !m.getName().isEmpty()).toList();
        scope.clearMetrics().addAllMetrics(metrics);
      }
    }
    return new Validated<>(
        kept.build(), rejected, rejected + " data points rejected: a metric must have a name");
  }

  private static boolean valid(Span span) {
    return isId(span.getTraceId(), 16) && isId(span.getSpanId(), 8);
  }

  private static boolean valid(LogRecord record) {
    return (record.getTraceId().isEmpty() || record.getTraceId().size() == 16)
        && (record.getSpanId().isEmpty() || record.getSpanId().size() == 8);
  }

  private static boolean isId(ByteString id, int length) {
    if (id.size() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (id.byteAt(i) != 0) {
        return true;
      }
    }
    return false;
  }
}
