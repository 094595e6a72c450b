package dev.spyglass.storage.embedded;

import com.google.protobuf.Message;
import dev.spyglass.storage.RecordOrigin;
import dev.spyglass.storage.SpanKinds;
import dev.spyglass.storage.StoredRecords;
import dev.spyglass.storage.wal.WalRecord;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns an acknowledged OTLP request into documents: one per log record, span or metric data point,
 * each storing its record as a one-record request (with its resource and scope) so that a read
 * returns it byte for byte. A record without a timestamp takes the time it was received.
 */
final class RecordMapper {
  /** Gives a log message of a service its pattern id; empty when it has none. */
  @FunctionalInterface
  interface PatternIds {
    PatternIds NONE = (service, message, timestamp) -> "";

    String of(String service, String message, long timestampNanos);
  }

  private final DocumentBuilder.Limits limits;
  private final PatternIds patterns;

  RecordMapper(DocumentBuilder.Limits limits) {
    this(limits, PatternIds.NONE);
  }

  RecordMapper(DocumentBuilder.Limits limits, PatternIds patterns) {
    this.limits = limits;
    this.patterns = patterns;
  }

  List<MappedDocument> map(WalRecord record)
      throws com.google.protobuf.InvalidProtocolBufferException {
    // A live append still holds the request as it arrived: no need to decode its bytes again.
    Optional<Message> decoded = record.decoded();
    return switch (record.signal()) {
      case LOGS ->
          logs(
              decoded.isPresent()
                  ? (ExportLogsServiceRequest) decoded.get()
                  : ExportLogsServiceRequest.parseFrom(record.request()),
              record);
      case TRACES ->
          spans(
              decoded.isPresent()
                  ? (ExportTraceServiceRequest) decoded.get()
                  : ExportTraceServiceRequest.parseFrom(record.request()),
              record);
      case METRICS ->
          metrics(
              decoded.isPresent()
                  ? (ExportMetricsServiceRequest) decoded.get()
                  : ExportMetricsServiceRequest.parseFrom(record.request()),
              record);
    };
  }

  private List<MappedDocument> logs(ExportLogsServiceRequest request, WalRecord wal) {
    List<MappedDocument> documents = new ArrayList<>();
    int position = 0;
    for (ResourceLogs resource : request.getResourceLogsList()) {
      for (ScopeLogs scope : resource.getScopeLogsList()) {
        RecordOrigin origin =
            origin(
                resource.getResource(),
                resource.getSchemaUrl(),
                scope.getScope(),
                scope.getSchemaUrl());
        for (LogRecord log : scope.getLogRecordsList()) {
          byte[] source = StoredRecords.request(origin, log).toByteArray();
          long timestamp =
              first(log.getTimeUnixNano(), log.getObservedTimeUnixNano(), wal.receivedAtNanos());
          DocumentBuilder doc =
              common(timestamp, wal, position++, source, resource.getResource(), scope.getScope());
          String body = DocumentBuilder.text(log.getBody());
          doc.pattern(patterns.of(origin.serviceName(), body, timestamp))
              .time("observed_timestamp", log.getObservedTimeUnixNano())
              .intValue("severity_number", log.getSeverityNumberValue())
              .groupableKeyword("severity_text", log.getSeverityText())
              .text("body", body)
              .id("trace_id", log.getTraceId())
              .id("span_id", log.getSpanId())
              .keyword("event_name", log.getEventName())
              .attributes("attributes.", log.getAttributesList());
          documents.add(new MappedDocument(timestamp, doc.build()));
        }
      }
    }
    return documents;
  }

  private List<MappedDocument> spans(ExportTraceServiceRequest request, WalRecord wal) {
    List<MappedDocument> documents = new ArrayList<>();
    int position = 0;
    for (ResourceSpans resource : request.getResourceSpansList()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        RecordOrigin origin =
            origin(
                resource.getResource(),
                resource.getSchemaUrl(),
                scope.getScope(),
                scope.getSchemaUrl());
        for (Span span : scope.getSpansList()) {
          byte[] source = StoredRecords.request(origin, span).toByteArray();
          long timestamp = first(span.getStartTimeUnixNano(), wal.receivedAtNanos());
          long duration = Math.max(0, span.getEndTimeUnixNano() - span.getStartTimeUnixNano());
          DocumentBuilder doc =
              common(timestamp, wal, position++, source, resource.getResource(), scope.getScope());
          doc.id("trace_id", span.getTraceId())
              .id("span_id", span.getSpanId())
              .id("parent_span_id", span.getParentSpanId())
              .groupableKeyword("name", span.getName())
              .groupableKeyword("kind", SpanKinds.name(span.getKind()))
              .groupableKeyword("status.code", SpanKinds.status(span.getStatus().getCode()))
              .longValue("duration", duration)
              .time("end_timestamp", span.getEndTimeUnixNano())
              .attributes("attributes.", span.getAttributesList());
          documents.add(new MappedDocument(timestamp, doc.build()));
        }
      }
    }
    return documents;
  }

  /** One metric data point, as a one-point metric plus what its type indexes. */
  private record Point(
      Metric one,
      String type,
      long time,
      long start,
      List<KeyValue> attributes,
      java.util.function.Consumer<DocumentBuilder> fields) {}

  private List<MappedDocument> metrics(ExportMetricsServiceRequest request, WalRecord wal) {
    List<MappedDocument> documents = new ArrayList<>();
    int position = 0;
    for (ResourceMetrics resource : request.getResourceMetricsList()) {
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        RecordOrigin origin =
            origin(
                resource.getResource(),
                resource.getSchemaUrl(),
                scope.getScope(),
                scope.getSchemaUrl());
        for (Metric metric : scope.getMetricsList()) {
          for (Point point : points(metric)) {
            long timestamp = first(point.time(), wal.receivedAtNanos());
            byte[] source = StoredRecords.request(origin, point.one()).toByteArray();
            DocumentBuilder doc =
                common(timestamp, wal, position++, source, resource.getResource(), scope.getScope())
                    .groupableKeyword("metric.name", metric.getName())
                    .groupableKeyword("metric.type", point.type())
                    .keyword("metric.unit", metric.getUnit())
                    .time("start_timestamp", point.start())
                    .attributes("attributes.", point.attributes());
            point.fields().accept(doc);
            documents.add(new MappedDocument(timestamp, doc.build()));
          }
        }
      }
    }
    return documents;
  }

  /** The metric's data points, each as a copy of the metric holding that point alone. */
  private static List<Point> points(Metric metric) {
    Metric.Builder shell =
        metric.toBuilder()
            .clearGauge()
            .clearSum()
            .clearHistogram()
            .clearExponentialHistogram()
            .clearSummary();
    List<Point> points = new ArrayList<>();
    switch (metric.getDataCase()) {
      case GAUGE -> {
        var gauge = metric.getGauge();
        for (NumberDataPoint p : gauge.getDataPointsList()) {
          Metric one =
              shell.clone().setGauge(gauge.toBuilder().clearDataPoints().addDataPoints(p)).build();
          points.add(
              new Point(
                  one,
                  "gauge",
                  p.getTimeUnixNano(),
                  p.getStartTimeUnixNano(),
                  p.getAttributesList(),
                  doc -> doc.doubleValue("value", number(p))));
        }
      }
      case SUM -> {
        var sum = metric.getSum();
        for (NumberDataPoint p : sum.getDataPointsList()) {
          Metric one =
              shell.clone().setSum(sum.toBuilder().clearDataPoints().addDataPoints(p)).build();
          points.add(
              new Point(
                  one,
                  "sum",
                  p.getTimeUnixNano(),
                  p.getStartTimeUnixNano(),
                  p.getAttributesList(),
                  doc ->
                      doc.doubleValue("value", number(p))
                          .keyword("metric.monotonic", Boolean.toString(sum.getIsMonotonic()))
                          .keyword(
                              "metric.temporality",
                              temporality(sum.getAggregationTemporalityValue()))));
        }
      }
      case HISTOGRAM -> {
        var histogram = metric.getHistogram();
        for (HistogramDataPoint p : histogram.getDataPointsList()) {
          Metric one =
              shell
                  .clone()
                  .setHistogram(histogram.toBuilder().clearDataPoints().addDataPoints(p))
                  .build();
          points.add(
              new Point(
                  one,
                  "histogram",
                  p.getTimeUnixNano(),
                  p.getStartTimeUnixNano(),
                  p.getAttributesList(),
                  countAndSum(p.getCount(), p.getSum())));
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        var histogram = metric.getExponentialHistogram();
        for (ExponentialHistogramDataPoint p : histogram.getDataPointsList()) {
          Metric one =
              shell
                  .clone()
                  .setExponentialHistogram(histogram.toBuilder().clearDataPoints().addDataPoints(p))
                  .build();
          points.add(
              new Point(
                  one,
                  "exponential_histogram",
                  p.getTimeUnixNano(),
                  p.getStartTimeUnixNano(),
                  p.getAttributesList(),
                  countAndSum(p.getCount(), p.getSum())));
        }
      }
      case SUMMARY -> {
        var summary = metric.getSummary();
        for (SummaryDataPoint p : summary.getDataPointsList()) {
          Metric one =
              shell
                  .clone()
                  .setSummary(summary.toBuilder().clearDataPoints().addDataPoints(p))
                  .build();
          points.add(
              new Point(
                  one,
                  "summary",
                  p.getTimeUnixNano(),
                  p.getStartTimeUnixNano(),
                  p.getAttributesList(),
                  countAndSum(p.getCount(), p.getSum())));
        }
      }
      case DATA_NOT_SET -> {}
    }
    return points;
  }

  private static java.util.function.Consumer<DocumentBuilder> countAndSum(long count, double sum) {
    return doc -> doc.longValue("count", count).doubleValue("sum", sum);
  }

  private static double number(NumberDataPoint point) {
    return point.hasAsInt() ? point.getAsInt() : point.getAsDouble();
  }

  private DocumentBuilder common(
      long timestamp,
      WalRecord wal,
      int position,
      byte[] source,
      Resource resource,
      io.opentelemetry.proto.common.v1.InstrumentationScope scope) {
    DocumentBuilder doc = new DocumentBuilder(limits, timestamp, wal.lsn(), position, source);
    for (KeyValue attribute : resource.getAttributesList()) {
      if (attribute.getKey().equals("service.name")) {
        doc.groupableKeyword("service.name", attribute.getValue().getStringValue());
      }
    }
    doc.attributes("resource.", resource.getAttributesList());
    doc.keyword("scope.name", scope.getName());
    return doc;
  }

  private static RecordOrigin origin(
      Resource resource,
      String resourceSchemaUrl,
      io.opentelemetry.proto.common.v1.InstrumentationScope scope,
      String scopeSchemaUrl) {
    return new RecordOrigin(resource, resourceSchemaUrl, scope, scopeSchemaUrl);
  }

  private static long first(long... candidates) {
    for (long candidate : candidates) {
      if (candidate != 0) {
        return candidate;
      }
    }
    return 0;
  }

  private static String temporality(int value) {
    return switch (value) {
      case 1 -> "delta";
      case 2 -> "cumulative";
      default -> "unspecified";
    };
  }
}
