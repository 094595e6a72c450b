package dev.spyglass.pipeline;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;

/** A batch of metrics: an OTLP {@link ExportMetricsServiceRequest} and its request context. */
public final class Metrics implements Telemetry {
  private final ExportMetricsServiceRequest request;
  private final RequestContext context;
  private final int dataPointCount;

  private Metrics(ExportMetricsServiceRequest request, RequestContext context) {
    this.request = requireNonNull(request, "request");
    this.context = requireNonNull(context, "context");
    this.dataPointCount = countDataPoints(request);
  }

  /** Wraps {@code request}, which arrived with {@code context}. */
  public static Metrics of(ExportMetricsServiceRequest request, RequestContext context) {
    return new Metrics(request, context);
  }

  @Override
  public Signal signal() {
    return Signal.METRICS;
  }

  @Override
  public ExportMetricsServiceRequest request() {
    return request;
  }

  @Override
  public RequestContext context() {
    return context;
  }

  /** The number of metric data points (the Collector's unit for metrics). */
  @Override
  public int itemCount() {
    return dataPointCount;
  }

  /** The number of data points in one metric, whatever its type; zero for an empty metric. */
  public static int dataPointCount(Metric metric) {
    return switch (metric.getDataCase()) {
      case GAUGE -> metric.getGauge().getDataPointsCount();
      case SUM -> metric.getSum().getDataPointsCount();
      case HISTOGRAM -> metric.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> metric.getSummary().getDataPointsCount();
      case DATA_NOT_SET -> 0;
    };
  }

  private static int countDataPoints(ExportMetricsServiceRequest request) {
    int count = 0;
    for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
      for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
        for (Metric metric : scopeMetrics.getMetricsList()) {
          count += dataPointCount(metric);
        }
      }
    }
    return count;
  }

  @Override
  public String toString() {
    return "Metrics[dataPoints=" + dataPointCount + "]";
  }
}
