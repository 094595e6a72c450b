package dev.spyglass.processor.spanmetrics;

import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.Traces;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Connector;
import dev.spyglass.pipeline.component.Consumers;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.processor.spanmetrics.SpanMetricsConfig.Dimension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The {@code spanmetrics} connector: counts spans ({@code calls}) and their durations ({@code
 * duration}, an explicit-bucket histogram) per series of service, span name, kind, status and the
 * configured dimensions, and sends the metrics on every {@code metrics_flush_interval} and at
 * shutdown. Taking spans never waits for the metrics: the traces pipeline acknowledges as usual.
 */
final class SpanMetricsConnector implements Connector {
  private static final String SCOPE = "spanmetricsconnector";
  private static final KeyValue OVERFLOW =
      KeyValue.newBuilder()
          .setKey("otel.metric.overflow")
          .setValue(AnyValue.newBuilder().setBoolValue(true))
          .build();
  private static final Duration SHUTDOWN_FLUSH_WAIT = Duration.ofSeconds(10);

  private final ComponentSettings settings;
  private final SpanMetricsConfig config;
  private final List<Dimension> dimensions;
  private final Optional<TelemetryConsumer> next;
  private final LongSupplier epochNanos;
  private final double[] bounds;
  private final double nanosPerUnit;
  private final String callsName;
  private final String durationName;
  private final Counters counters;
  private final boolean withService;
  private final boolean withSpanName;
  private final boolean withSpanKind;
  private final boolean withStatusCode;

  private final Object lock = new Object();

  // Guarded by lock: series by resource, then by data point attributes.
  /** The series of each tenant's resources: one tenant's spans never count in another's. */
  private final Map<Owner, Map<List<KeyValue>, Series>> series = new LinkedHashMap<>();

  /** A resource of one tenant's. */
  private record Owner(Optional<String> tenant, Resource resource) {}

  private long intervalStartNanos;

  private ScheduledExecutorService ticker;

  SpanMetricsConnector(
      ComponentSettings settings,
      SpanMetricsConfig config,
      Consumers next,
      LongSupplier epochNanos) {
    this.settings = settings;
    this.config = config;
    this.dimensions = config.parsedDimensions();
    this.next = next.forSignal(Signal.METRICS);
    this.epochNanos = epochNanos;
    this.nanosPerUnit = "s".equals(config.histogram().unit()) ? 1e9 : 1e6;
    this.bounds =
        config.histogram().explicit().buckets().stream()
            .mapToDouble(bucket -> bucket.toNanos() / nanosPerUnit)
            .toArray();
    String prefix =
        config.namespace() == null || config.namespace().isEmpty() ? "" : config.namespace() + ".";
    this.callsName = prefix + "calls";
    this.durationName = prefix + "duration";
    this.counters = new Counters(settings);
    List<String> excluded = config.excludeDimensions();
    this.withService = !excluded.contains("service.name");
    this.withSpanName = !excluded.contains("span.name");
    this.withSpanKind = !excluded.contains("span.kind");
    this.withStatusCode = !excluded.contains("status.code");
    this.intervalStartNanos = epochNanos.getAsLong();
  }

  @Override
  public void start(Host host) {
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("spanmetrics-" + settings.id()).factory());
    long interval = config.metricsFlushInterval().toMillis();
    ticker.scheduleAtFixedRate(this::flushOnSchedule, interval, interval, TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    if (!(batch instanceof Traces traces)) {
      return CompletableFuture.completedFuture(null);
    }
    ExportTraceServiceRequest request = traces.request();
    Optional<String> tenant = batch.context().tenant();
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      Resource resource = resourceSpans.getResource();
      Optional<AnyValue> service = find(resource.getAttributesList(), "service.name");
      Owner owner = new Owner(tenant, resource);
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          record(owner, service, span);
        }
      }
    }
    counters.incoming.add(batch.itemCount(), counters.attributes);
    return CompletableFuture.completedFuture(null);
  }

  private void record(Owner owner, Optional<AnyValue> service, Span span) {
    List<KeyValue> key = seriesKey(owner.resource(), service, span);
    double duration =
        Math.max(0, span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / nanosPerUnit;
    synchronized (lock) {
      Map<List<KeyValue>, Series> ofResource =
          series.computeIfAbsent(owner, r -> new LinkedHashMap<>());
      Series target = ofResource.get(key);
      if (target == null) {
        int limit = config.aggregationCardinalityLimit();
        if (limit > 0 && ofResource.size() >= limit) {
          key = List.of(OVERFLOW);
          counters.overflow.add(1, counters.attributes);
          target = ofResource.get(key);
        }
        if (target == null) {
          target = new Series(epochNanos.getAsLong(), bounds.length + 1);
          ofResource.put(key, target);
        }
      }
      target.add(duration, bucket(duration));
    }
  }

  private int bucket(double value) {
    int found = Arrays.binarySearch(bounds, value);
    return found >= 0 ? found : -(found + 1);
  }

  private List<KeyValue> seriesKey(Resource resource, Optional<AnyValue> service, Span span) {
    List<KeyValue> key = new ArrayList<>(4 + dimensions.size());
    if (withService) {
      service.ifPresent(value -> key.add(attribute("service.name", value)));
    }
    if (withSpanName) {
      key.add(attribute("span.name", string(span.getName())));
    }
    if (withSpanKind) {
      key.add(attribute("span.kind", string(span.getKind().name())));
    }
    if (withStatusCode) {
      Status.StatusCode code = span.getStatus().getCode();
      key.add(attribute("status.code", string(code.name())));
    }
    for (Dimension dimension : dimensions) {
      Optional<AnyValue> value =
          find(span.getAttributesList(), dimension.name())
              .or(() -> find(resource.getAttributesList(), dimension.name()))
              .or(
                  () ->
                      Optional.ofNullable(dimension.defaultValue()).map(d -> string(d.toString())));
      value.ifPresent(v -> key.add(attribute(dimension.name(), v)));
    }
    return List.copyOf(key);
  }

  private static Optional<AnyValue> find(List<KeyValue> attributes, String name) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals(name)) {
        return Optional.of(attribute.getValue());
      }
    }
    return Optional.empty();
  }

  private static KeyValue attribute(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static AnyValue string(String value) {
    return AnyValue.newBuilder().setStringValue(value).build();
  }

  private void flushOnSchedule() {
    try {
      flush();
    } catch (RuntimeException e) { // an escaping exception would cancel every later flush
      settings.logger().error("{}: flushing span metrics failed", settings.id(), e);
    }
  }

  /** Sends the current metrics on; returns when the next pipeline has taken (or refused) them. */
  CompletableFuture<Void> flush() {
    if (next.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    snapshot()
        .forEach(
            (tenant, request) ->
                sent.add(send(Metrics.of(request.build(), RequestContext.ofTenant(tenant)))));
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Void> send(Metrics metrics) {
    return TelemetryConsumer.consumeSafely(next.get(), metrics)
        .handle(
            (ok, failure) -> {
              if (failure == null) {
                counters.outgoing.add(metrics.itemCount(), counters.attributes);
              } else {
                counters.failed.add(metrics.itemCount(), counters.attributes);
                settings
                    .logger()
                    .warn(
                        "{}: the metrics pipeline refused {} data points ({}){}",
                        settings.id(),
                        metrics.itemCount(),
                        failure.getMessage(),
                        config.delta()
                            ? "; delta metrics of this interval are lost"
                            : "; cumulative totals are sent again next interval");
              }
              return null;
            });
  }

  /** The metrics counted so far, a request per tenant. */
  private Map<Optional<String>, ExportMetricsServiceRequest.Builder> snapshot() {
    Map<Optional<String>, ExportMetricsServiceRequest.Builder> requests = new LinkedHashMap<>();
    AggregationTemporality temporality =
        config.delta()
            ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
            : AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    synchronized (lock) {
      long now = epochNanos.getAsLong();
      series.forEach(
          (owner, ofResource) -> {
            Resource resource = owner.resource();
            Sum.Builder calls =
                Sum.newBuilder().setIsMonotonic(true).setAggregationTemporality(temporality);
            Histogram.Builder durations =
                Histogram.newBuilder().setAggregationTemporality(temporality);
            ofResource.forEach(
                (attributes, one) -> {
                  long start = config.delta() ? intervalStartNanos : one.startNanos;
                  calls.addDataPoints(
                      NumberDataPoint.newBuilder()
                          .addAllAttributes(attributes)
                          .setStartTimeUnixNano(start)
                          .setTimeUnixNano(now)
                          .setAsInt(one.count));
                  if (!config.histogram().disable()) {
                    HistogramDataPoint.Builder point =
                        HistogramDataPoint.newBuilder()
                            .addAllAttributes(attributes)
                            .setStartTimeUnixNano(start)
                            .setTimeUnixNano(now)
                            .setCount(one.count)
                            .setSum(one.sum)
                            .setMin(one.min)
                            .setMax(one.max);
                    for (double bound : bounds) {
                      point.addExplicitBounds(bound);
                    }
                    for (long count : one.bucketCounts) {
                      point.addBucketCounts(count);
                    }
                    durations.addDataPoints(point);
                  }
                });
            ScopeMetrics.Builder scope =
                ScopeMetrics.newBuilder()
                    .setScope(InstrumentationScope.newBuilder().setName(SCOPE))
                    .addMetrics(Metric.newBuilder().setName(callsName).setSum(calls));
            if (!config.histogram().disable()) {
              scope.addMetrics(
                  Metric.newBuilder()
                      .setName(durationName)
                      .setUnit(config.histogram().unit())
                      .setHistogram(durations));
            }
            requests
                .computeIfAbsent(owner.tenant(), t -> ExportMetricsServiceRequest.newBuilder())
                .addResourceMetrics(
                    ResourceMetrics.newBuilder().setResource(resource).addScopeMetrics(scope));
          });
      if (config.delta()) {
        series.clear();
        intervalStartNanos = now;
      }
    }
    return requests;
  }

  /** Sends what has been counted so far before stopping, so a clean stop loses nothing. */
  @Override
  public void shutdown() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    try {
      flush().get(SHUTDOWN_FLUSH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException | ExecutionException e) {
      settings.logger().warn("{}: last metrics not sent on shutdown: {}", settings.id(), e);
    }
  }

  /** One series: its calls and duration histogram. Guarded by the connector's lock. */
  private static final class Series {
    final long startNanos;
    final long[] bucketCounts;
    long count;
    double sum;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;

    Series(long startNanos, int buckets) {
      this.startNanos = startNanos;
      this.bucketCounts = new long[buckets];
    }

    void add(double value, int bucket) {
      count++;
      sum += value;
      min = Math.min(min, value);
      max = Math.max(max, value);
      bucketCounts[bucket]++;
    }
  }

  /** The connector's own counters, by connector id. */
  private static final class Counters {
    final Attributes attributes;
    final LongCounter incoming;
    final LongCounter outgoing;
    final LongCounter failed;
    final LongCounter overflow;

    Counters(ComponentSettings settings) {
      var meter = settings.meter();
      attributes = Attributes.of(AttributeKey.stringKey("connector"), settings.id().toString());
      incoming =
          meter
              .counterBuilder("otelcol_connector_incoming_items")
              .setDescription("Spans the connector counted")
              .build();
      outgoing =
          meter
              .counterBuilder("otelcol_connector_outgoing_items")
              .setDescription("Metric data points the next pipeline took")
              .build();
      failed =
          meter
              .counterBuilder("otelcol_connector_failed_items")
              .setDescription("Metric data points the next pipeline refused")
              .build();
      overflow =
          meter
              .counterBuilder("spyglass_spanmetrics_overflow_spans")
              .setDescription("Spans counted in the overflow series past the cardinality limit")
              .build();
    }
  }
}
