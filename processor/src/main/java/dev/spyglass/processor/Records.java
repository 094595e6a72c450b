package dev.spyglass.processor;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.Traces;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
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
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Rewrites a batch record by record, whatever its signal: keeps the records a predicate accepts,
 * rewrites record attributes, resources or log bodies. Empty scopes and resources are dropped; the
 * request context is kept. The batch itself is never modified (protobuf messages are immutable): a
 * new one is returned.
 */
public final class Records {
  private Records() {}

  /** What a record's attributes become. */
  @FunctionalInterface
  public interface AttributeRewrite
      extends BiFunction<RecordView, List<KeyValue>, List<KeyValue>> {}

  /** The records {@code keep} accepts. */
  public static Telemetry filter(Telemetry batch, Predicate<RecordView> keep) {
    return rewrite(batch, keep, null, null, null);
  }

  /** Each record's attributes replaced by what {@code rewrite} returns. */
  public static Telemetry mapAttributes(Telemetry batch, AttributeRewrite rewrite) {
    return rewrite(batch, view -> true, rewrite, null, null);
  }

  /** Each resource replaced by what {@code rewrite} returns. */
  public static Telemetry mapResources(Telemetry batch, UnaryOperator<Resource> rewrite) {
    return rewrite(batch, view -> true, null, rewrite, null);
  }

  /** Each log record's body replaced by what {@code rewrite} returns; other signals unchanged. */
  public static Telemetry mapBodies(
      Telemetry batch, BiFunction<RecordView, AnyValue, AnyValue> rewrite) {
    return rewrite(batch, view -> true, null, null, rewrite);
  }

  /**
   * One batch holding all of {@code batches} (one signal), resources appended in order; a single
   * batch comes back as it is. A merged batch has no single client, so its context holds only the
   * tenant, which all of {@code batches} must share.
   */
  public static Telemetry merge(List<Telemetry> batches) {
    if (batches.size() == 1) {
      return batches.getFirst();
    }
    java.util.Optional<String> tenant = batches.getFirst().context().tenant();
    for (Telemetry batch : batches) {
      if (!batch.context().tenant().equals(tenant)) {
        throw new IllegalArgumentException(
            "batches of tenants " + tenant + " and " + batch.context().tenant() + " never merge");
      }
    }
    dev.spyglass.pipeline.RequestContext context =
        dev.spyglass.pipeline.RequestContext.ofTenant(tenant);
    return switch (batches.getFirst()) {
      case Traces first -> {
        ExportTraceServiceRequest.Builder merged = ExportTraceServiceRequest.newBuilder();
        batches.forEach(
            b -> merged.addAllResourceSpans(((Traces) b).request().getResourceSpansList()));
        yield Traces.of(merged.build(), context);
      }
      case Logs first -> {
        ExportLogsServiceRequest.Builder merged = ExportLogsServiceRequest.newBuilder();
        batches.forEach(b -> merged.addAllResourceLogs(((Logs) b).request().getResourceLogsList()));
        yield Logs.of(merged.build(), context);
      }
      case Metrics first -> {
        ExportMetricsServiceRequest.Builder merged = ExportMetricsServiceRequest.newBuilder();
        batches.forEach(
            b -> merged.addAllResourceMetrics(((Metrics) b).request().getResourceMetricsList()));
        yield Metrics.of(merged.build(), context);
      }
    };
  }

  private static Telemetry rewrite(
      Telemetry batch,
      Predicate<RecordView> keep,
      AttributeRewrite attributes,
      UnaryOperator<Resource> resources,
      BiFunction<RecordView, AnyValue, AnyValue> bodies) {
    return switch (batch) {
      case Traces traces ->
          Traces.of(spans(traces.request(), keep, attributes, resources), traces.context());
      case Logs logs ->
          Logs.of(logs(logs.request(), keep, attributes, resources, bodies), logs.context());
      case Metrics metrics ->
          Metrics.of(metrics(metrics.request(), keep, attributes, resources), metrics.context());
    };
  }

  private static ExportTraceServiceRequest spans(
      ExportTraceServiceRequest request,
      Predicate<RecordView> keep,
      AttributeRewrite attributes,
      UnaryOperator<Resource> resources) {
    ExportTraceServiceRequest.Builder out = ExportTraceServiceRequest.newBuilder();
    for (ResourceSpans resource : request.getResourceSpansList()) {
      ResourceSpans.Builder newResource = resource.toBuilder().clearScopeSpans();
      if (resources != null) {
        newResource.setResource(resources.apply(resource.getResource()));
      }
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        ScopeSpans.Builder newScope = scope.toBuilder().clearSpans();
        for (Span span : scope.getSpansList()) {
          RecordView view =
              new RecordView(
                  Signal.TRACES,
                  resource.getResource(),
                  scope.getScope(),
                  span.getName(),
                  span.getAttributesList(),
                  span.getTraceId(),
                  span);
          if (keep.test(view)) {
            newScope.addSpans(
                attributes == null
                    ? span
                    : span.toBuilder()
                        .clearAttributes()
                        .addAllAttributes(attributes.apply(view, span.getAttributesList()))
                        .build());
          }
        }
        if (newScope.getSpansCount() > 0) {
          newResource.addScopeSpans(newScope);
        }
      }
      if (newResource.getScopeSpansCount() > 0) {
        out.addResourceSpans(newResource);
      }
    }
    return out.build();
  }

  private static ExportLogsServiceRequest logs(
      ExportLogsServiceRequest request,
      Predicate<RecordView> keep,
      AttributeRewrite attributes,
      UnaryOperator<Resource> resources,
      BiFunction<RecordView, AnyValue, AnyValue> bodies) {
    ExportLogsServiceRequest.Builder out = ExportLogsServiceRequest.newBuilder();
    for (ResourceLogs resource : request.getResourceLogsList()) {
      ResourceLogs.Builder newResource = resource.toBuilder().clearScopeLogs();
      if (resources != null) {
        newResource.setResource(resources.apply(resource.getResource()));
      }
      for (ScopeLogs scope : resource.getScopeLogsList()) {
        ScopeLogs.Builder newScope = scope.toBuilder().clearLogRecords();
        for (LogRecord log : scope.getLogRecordsList()) {
          RecordView view =
              new RecordView(
                  Signal.LOGS,
                  resource.getResource(),
                  scope.getScope(),
                  "",
                  log.getAttributesList(),
                  log.getTraceId(),
                  log);
          if (!keep.test(view)) {
            continue;
          }
          if (attributes == null && bodies == null) {
            newScope.addLogRecords(log);
            continue;
          }
          LogRecord.Builder changed = log.toBuilder();
          if (attributes != null) {
            changed
                .clearAttributes()
                .addAllAttributes(attributes.apply(view, log.getAttributesList()));
          }
          if (bodies != null) {
            changed.setBody(bodies.apply(view, log.getBody()));
          }
          newScope.addLogRecords(changed);
        }
        if (newScope.getLogRecordsCount() > 0) {
          newResource.addScopeLogs(newScope);
        }
      }
      if (newResource.getScopeLogsCount() > 0) {
        out.addResourceLogs(newResource);
      }
    }
    return out.build();
  }

  private static ExportMetricsServiceRequest metrics(
      ExportMetricsServiceRequest request,
      Predicate<RecordView> keep,
      AttributeRewrite attributes,
      UnaryOperator<Resource> resources) {
    ExportMetricsServiceRequest.Builder out = ExportMetricsServiceRequest.newBuilder();
    for (ResourceMetrics resource : request.getResourceMetricsList()) {
      ResourceMetrics.Builder newResource = resource.toBuilder().clearScopeMetrics();
      if (resources != null) {
        newResource.setResource(resources.apply(resource.getResource()));
      }
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        ScopeMetrics.Builder newScope = scope.toBuilder().clearMetrics();
        for (Metric metric : scope.getMetricsList()) {
          Metric kept = points(metric, resource.getResource(), scope, keep, attributes);
          if (Metrics.dataPointCount(kept) > 0) {
            newScope.addMetrics(kept);
          }
        }
        if (newScope.getMetricsCount() > 0) {
          newResource.addScopeMetrics(newScope);
        }
      }
      if (newResource.getScopeMetricsCount() > 0) {
        out.addResourceMetrics(newResource);
      }
    }
    return out.build();
  }

  private static Metric points(
      Metric metric,
      Resource resource,
      ScopeMetrics scope,
      Predicate<RecordView> keep,
      AttributeRewrite attributes) {
    Metric.Builder out = metric.toBuilder();
    Points points = new Points(resource, scope, metric, keep, attributes);
    switch (metric.getDataCase()) {
      case GAUGE ->
          out.getGaugeBuilder()
              .clearDataPoints()
              .addAllDataPoints(
                  points.kept(
                      metric.getGauge().getDataPointsList(),
                      NumberDataPoint::getAttributesList,
                      (p, a) -> p.toBuilder().clearAttributes().addAllAttributes(a).build()));
      case SUM ->
          out.getSumBuilder()
              .clearDataPoints()
              .addAllDataPoints(
                  points.kept(
                      metric.getSum().getDataPointsList(),
                      NumberDataPoint::getAttributesList,
                      (p, a) -> p.toBuilder().clearAttributes().addAllAttributes(a).build()));
      case HISTOGRAM ->
          out.getHistogramBuilder()
              .clearDataPoints()
              .addAllDataPoints(
                  points.kept(
                      metric.getHistogram().getDataPointsList(),
                      HistogramDataPoint::getAttributesList,
                      (p, a) -> p.toBuilder().clearAttributes().addAllAttributes(a).build()));
      case EXPONENTIAL_HISTOGRAM ->
          out.getExponentialHistogramBuilder()
              .clearDataPoints()
              .addAllDataPoints(
                  points.kept(
                      metric.getExponentialHistogram().getDataPointsList(),
                      ExponentialHistogramDataPoint::getAttributesList,
                      (p, a) -> p.toBuilder().clearAttributes().addAllAttributes(a).build()));
      case SUMMARY ->
          out.getSummaryBuilder()
              .clearDataPoints()
              .addAllDataPoints(
                  points.kept(
                      metric.getSummary().getDataPointsList(),
                      SummaryDataPoint::getAttributesList,
                      (p, a) -> p.toBuilder().clearAttributes().addAllAttributes(a).build()));
      case DATA_NOT_SET -> {}
    }
    return out.build();
  }

  /** Filters and rewrites the data points of one metric, whatever their type. */
  private record Points(
      Resource resource,
      ScopeMetrics scope,
      Metric metric,
      Predicate<RecordView> keep,
      AttributeRewrite attributes) {

    <P> List<P> kept(
        List<P> points,
        Function<P, List<KeyValue>> attributesOf,
        BiFunction<P, List<KeyValue>, P> withAttributes) {
      List<P> kept = new ArrayList<>(points.size());
      for (P point : points) {
        RecordView view = view(resource, scope, metric, attributesOf.apply(point), point);
        if (keep.test(view)) {
          kept.add(
              attributes == null
                  ? point
                  : withAttributes.apply(point, attributes.apply(view, attributesOf.apply(point))));
        }
      }
      return kept;
    }
  }

  private static RecordView view(
      Resource resource,
      ScopeMetrics scope,
      Metric metric,
      List<KeyValue> attributes,
      Object point) {
    return new RecordView(
        Signal.METRICS,
        resource,
        scope.getScope(),
        metric.getName(),
        attributes,
        com.google.protobuf.ByteString.EMPTY,
        point);
  }
}
