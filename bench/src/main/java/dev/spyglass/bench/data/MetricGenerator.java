package dev.spyglass.bench.data;

import static dev.spyglass.bench.data.LogGenerator.attribute;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Metrics of the same ten services: a request counter and a duration histogram per route and
 * status, and CPU and memory gauges — the shape an instrumented service exports every interval.
 */
public final class MetricGenerator implements Generator {
  private static final List<String> SERVICES =
      List.of(
          "frontend",
          "cart",
          "checkout",
          "payment",
          "shipping",
          "email",
          "currency",
          "product-catalog",
          "recommendation",
          "ad");
  private static final List<Double> BOUNDS =
      List.of(5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 250.0, 500.0, 1000.0);

  private final Timeline timeline;
  private final SplittableRandom random;
  private long counter;

  public MetricGenerator(Timeline timeline, long seed) {
    this.timeline = timeline;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public ExportMetricsServiceRequest next(int records) {
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    int points = 0;
    while (points < records) {
      String service = SERVICES.get(random.nextInt(SERVICES.size()));
      long time = timeline.next();
      ScopeMetrics.Builder scope =
          ScopeMetrics.newBuilder()
              .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.http"));
      Sum.Builder calls =
          Sum.newBuilder()
              .setIsMonotonic(true)
              .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
      Histogram.Builder durations =
          Histogram.newBuilder()
              .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
      for (String status : new String[] {"200", "404", "500"}) {
        counter += 1 + random.nextInt(100);
        calls.addDataPoints(
            NumberDataPoint.newBuilder()
                .setTimeUnixNano(time)
                .setAsInt(counter)
                .addAttributes(attribute("http.response.status_code", status)));
        HistogramDataPoint.Builder histogram =
            HistogramDataPoint.newBuilder()
                .setTimeUnixNano(time)
                .addAllExplicitBounds(BOUNDS)
                .addAttributes(attribute("http.response.status_code", status));
        long count = 0;
        for (int b = 0; b <= BOUNDS.size(); b++) {
          long n = random.nextInt(50);
          histogram.addBucketCounts(n);
          count += n;
        }
        durations.addDataPoints(histogram.setCount(count).setSum(count * 42.0));
      }
      scope.addMetrics(
          Metric.newBuilder()
              .setName("http.server.request.count")
              .setUnit("{request}")
              .setSum(calls));
      scope.addMetrics(
          Metric.newBuilder()
              .setName("http.server.request.duration")
              .setUnit("ms")
              .setHistogram(durations));
      scope.addMetrics(
          Metric.newBuilder()
              .setName("process.cpu.utilization")
              .setUnit("1")
              .setGauge(
                  Gauge.newBuilder()
                      .addDataPoints(
                          NumberDataPoint.newBuilder()
                              .setTimeUnixNano(time)
                              .setAsDouble(random.nextDouble()))));
      points += 7;
      request.addResourceMetrics(
          ResourceMetrics.newBuilder()
              .setResource(Resource.newBuilder().addAttributes(attribute("service.name", service)))
              .addScopeMetrics(scope));
    }
    return request.build();
  }
}
