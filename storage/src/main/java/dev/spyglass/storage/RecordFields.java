package dev.spyglass.storage;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.spyglass.pipeline.Signal;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
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
import java.util.function.Consumer;

/**
 * What every store indexes of an acknowledged OTLP request: one document per log record, span or
 * metric data point, with DESIGN §3's field names, each storing its record and origin ({@link
 * StoredSource}) so that a read returns it byte for byte. One mapping for every engine: the
 * embedded store and OpenSearch index the same fields the same way. A record without a timestamp
 * takes the time it was received.
 */
public final class RecordFields {

  /**
   * Caps on what one record indexes, so that one noisy client cannot blow up the index.
   *
   * @param maxAttributes attributes indexed per resource and per record; the rest are stored only
   * @param maxValueLength longer string attributes are stored only
   * @param leftOut counts the attributes stored but not indexed
   */
  public record Limits(int maxAttributes, int maxValueLength, LongCounter leftOut) {}

  /** Gives a log message of a service its pattern id; empty when it has none. */
  @FunctionalInterface
  public interface PatternIds {
    PatternIds NONE = (service, message, timestamp) -> "";

    String of(String service, String message, long timestampNanos);
  }

  /** An engine's documents: opened per record, filled through {@link FieldSink}, closed. */
  public interface Documents<D> {
    /**
     * A new document for the {@code position}-th record of its request, at {@code timestampNanos},
     * storing {@code source} (the record and its origin).
     */
    FieldSink open(long timestampNanos, int position, StoredSource source);

    /** The finished document of {@code fields}. */
    D close(FieldSink fields, long timestampNanos);
  }

  private final Limits limits;
  private final PatternIds patterns;

  public RecordFields(Limits limits, PatternIds patterns) {
    this.limits = limits;
    this.patterns = patterns;
  }

  /** The documents of {@code request} (an {@code Export*ServiceRequest} of {@code signal}). */
  public <D> List<D> map(
      Signal signal, Message request, long receivedAtNanos, Documents<D> documents) {
    return switch (signal) {
      case LOGS -> logs((ExportLogsServiceRequest) request, receivedAtNanos, documents);
      case TRACES -> spans((ExportTraceServiceRequest) request, receivedAtNanos, documents);
      case METRICS -> metrics((ExportMetricsServiceRequest) request, receivedAtNanos, documents);
    };
  }

  private <D> List<D> logs(ExportLogsServiceRequest request, long received, Documents<D> out) {
    List<D> documents = new ArrayList<>();
    int position = 0;
    for (ResourceLogs resource : request.getResourceLogsList()) {
      for (ScopeLogs scope : resource.getScopeLogsList()) {
        RecordOrigin origin =
            new RecordOrigin(
                resource.getResource(),
                resource.getSchemaUrl(),
                scope.getScope(),
                scope.getSchemaUrl());
        StoredSource.Origin shared = new StoredSource.Origin(Signal.LOGS, origin);
        for (LogRecord log : scope.getLogRecordsList()) {
          StoredSource source = new StoredSource(shared, log);
          long timestamp = first(log.getTimeUnixNano(), log.getObservedTimeUnixNano(), received);
          FieldSink doc = out.open(timestamp, position++, source);
          common(doc, resource.getResource(), scope.getScope());
          String body = text(log.getBody());
          String pattern = patterns.of(origin.serviceName(), body, timestamp);
          if (!pattern.isEmpty()) {
            doc.pattern(pattern);
          }
          doc.intValue("severity_number", log.getSeverityNumberValue());
          groupable(doc, "severity_text", log.getSeverityText());
          if (!body.isEmpty()) {
            doc.text("body", body);
          }
          id(doc, "trace_id", log.getTraceId());
          id(doc, "span_id", log.getSpanId());
          keyword(doc, "event_name", log.getEventName());
          attributes(doc, "attributes.", log.getAttributesList());
          documents.add(out.close(doc, timestamp));
        }
      }
    }
    return documents;
  }

  private <D> List<D> spans(ExportTraceServiceRequest request, long received, Documents<D> out) {
    List<D> documents = new ArrayList<>();
    int position = 0;
    for (ResourceSpans resource : request.getResourceSpansList()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        StoredSource.Origin shared =
            new StoredSource.Origin(
                Signal.TRACES,
                new RecordOrigin(
                    resource.getResource(),
                    resource.getSchemaUrl(),
                    scope.getScope(),
                    scope.getSchemaUrl()));
        for (Span span : scope.getSpansList()) {
          StoredSource source = new StoredSource(shared, span);
          long timestamp = first(span.getStartTimeUnixNano(), received);
          long duration = Math.max(0, span.getEndTimeUnixNano() - span.getStartTimeUnixNano());
          FieldSink doc = out.open(timestamp, position++, source);
          common(doc, resource.getResource(), scope.getScope());
          id(doc, "trace_id", span.getTraceId());
          id(doc, "span_id", span.getSpanId());
          id(doc, "parent_span_id", span.getParentSpanId());
          groupable(doc, "name", span.getName());
          groupable(doc, "kind", SpanKinds.name(span.getKind()));
          groupable(doc, "status.code", SpanKinds.status(span.getStatus().getCode()));
          doc.longValue("duration", duration);
          attributes(doc, "attributes.", span.getAttributesList());
          documents.add(out.close(doc, timestamp));
        }
      }
    }
    return documents;
  }

  /** One metric data point, as a one-point metric plus what its type indexes. */
  private record Point(
      Metric one, String type, long time, List<KeyValue> attributes, Consumer<FieldSink> fields) {}

  private <D> List<D> metrics(
      ExportMetricsServiceRequest request, long received, Documents<D> out) {
    List<D> documents = new ArrayList<>();
    int position = 0;
    for (ResourceMetrics resource : request.getResourceMetricsList()) {
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        StoredSource.Origin shared =
            new StoredSource.Origin(
                Signal.METRICS,
                new RecordOrigin(
                    resource.getResource(),
                    resource.getSchemaUrl(),
                    scope.getScope(),
                    scope.getSchemaUrl()));
        for (Metric metric : scope.getMetricsList()) {
          for (Point point : points(metric)) {
            long timestamp = first(point.time(), received);
            StoredSource source = new StoredSource(shared, point.one());
            FieldSink doc = out.open(timestamp, position++, source);
            common(doc, resource.getResource(), scope.getScope());
            groupable(doc, "metric.name", metric.getName());
            groupable(doc, "metric.type", point.type());
            keyword(doc, "metric.unit", metric.getUnit());
            attributes(doc, "attributes.", point.attributes());
            point.fields().accept(doc);
            documents.add(out.close(doc, timestamp));
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
                  p.getAttributesList(),
                  doc -> {
                    doc.doubleValue("value", number(p));
                    doc.keyword("metric.monotonic", Boolean.toString(sum.getIsMonotonic()));
                    doc.keyword(
                        "metric.temporality", temporality(sum.getAggregationTemporalityValue()));
                  }));
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
                  p.getAttributesList(),
                  countAndSum(p.getCount(), p.getSum())));
        }
      }
      case DATA_NOT_SET -> {}
    }
    return points;
  }

  private static Consumer<FieldSink> countAndSum(long count, double sum) {
    return doc -> {
      doc.longValue("count", count);
      doc.doubleValue("sum", sum);
    };
  }

  private static double number(NumberDataPoint point) {
    return point.hasAsInt() ? point.getAsInt() : point.getAsDouble();
  }

  private void common(FieldSink doc, Resource resource, InstrumentationScope scope) {
    for (KeyValue attribute : resource.getAttributesList()) {
      if (attribute.getKey().equals("service.name")) {
        groupable(doc, "service.name", attribute.getValue().getStringValue());
      }
    }
    attributes(doc, "resource.", resource.getAttributesList());
    keyword(doc, "scope.name", scope.getName());
  }

  /**
   * Indexes attributes under {@code prefix} ({@code attributes.}, {@code resource.}): every value
   * as a keyword, numbers also as numbers; arrays as several keywords. Maps and bytes are stored
   * only. At most {@link Limits#maxAttributes()} are indexed.
   */
  private void attributes(FieldSink doc, String prefix, List<KeyValue> attributes) {
    int indexed = 0;
    long leftOut = 0;
    for (KeyValue attribute : attributes) {
      if (indexed >= limits.maxAttributes()) {
        leftOut++;
        continue;
      }
      if (attribute(doc, prefix + attribute.getKey(), attribute.getValue(), true)) {
        indexed++;
      } else {
        leftOut++;
      }
    }
    if (leftOut > 0) {
      limits.leftOut().add(leftOut);
    }
  }

  private boolean attribute(FieldSink doc, String name, AnyValue value, boolean allowArray) {
    switch (value.getValueCase()) {
      case STRING_VALUE -> {
        String text = value.getStringValue();
        if (text.length() > limits.maxValueLength()) {
          return false;
        }
        keyword(doc, name, text);
      }
      case BOOL_VALUE -> doc.keyword(name, Boolean.toString(value.getBoolValue()));
      case INT_VALUE -> {
        doc.keyword(name, Long.toString(value.getIntValue()));
        doc.attributeNumber(name, value.getIntValue());
      }
      case DOUBLE_VALUE -> {
        doc.keyword(name, Double.toString(value.getDoubleValue()));
        doc.attributeNumber(name, value.getDoubleValue());
      }
      case ARRAY_VALUE -> {
        if (!allowArray) {
          return false;
        }
        boolean any = false;
        for (AnyValue element : value.getArrayValue().getValuesList()) {
          any |= attribute(doc, name, element, false);
        }
        return any;
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** The string a body or attribute value reads as, for full-text indexing. */
  public static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case ARRAY_VALUE -> {
        StringBuilder out = new StringBuilder();
        for (AnyValue element : value.getArrayValue().getValuesList()) {
          out.append(text(element)).append(' ');
        }
        yield out.toString().strip();
      }
      case KVLIST_VALUE -> {
        StringBuilder out = new StringBuilder();
        for (KeyValue kv : value.getKvlistValue().getValuesList()) {
          out.append(kv.getKey()).append(' ').append(text(kv.getValue())).append(' ');
        }
        yield out.toString().strip();
      }
      default -> "";
    };
  }

  private static void keyword(FieldSink doc, String name, String value) {
    if (!value.isEmpty()) {
      doc.keyword(name, value);
    }
  }

  private static void groupable(FieldSink doc, String name, String value) {
    if (!value.isEmpty()) {
      doc.groupableKeyword(name, value);
    }
  }

  /** An id; nothing when empty. */
  private static void id(FieldSink doc, String name, ByteString id) {
    if (!id.isEmpty()) {
      doc.id(name, id.toByteArray());
    }
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
