package dev.spyglass.processor.spanmetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.Traces;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Consumers;
import dev.spyglass.pipeline.component.InvalidConfigException;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SpanMetricsConnectorTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L * MS);
  private final List<Metrics> sent = new CopyOnWriteArrayList<>();
  private final SpanMetricsConnectorFactory factory = new SpanMetricsConnectorFactory();

  private SpanMetricsConnector connector(SpanMetricsConfig config) {
    config.validate();
    TelemetryConsumer metrics =
        batch -> {
          sent.add((Metrics) batch);
          return CompletableFuture.completedFuture(null);
        };
    return new SpanMetricsConnector(
        new ComponentSettings(
            ComponentId.of("spanmetrics"),
            ComponentKind.CONNECTOR,
            Optional.empty(),
            LoggerFactory.getLogger("spanmetrics"),
            MeterProvider.noop().get("test")),
        config,
        Consumers.of(Map.of(Signal.METRICS, metrics)),
        clock::get);
  }

  private SpanMetricsConfig config(
      List<Map<String, Object>> dimensions, String temporality, int cardinalityLimit) {
    SpanMetricsConfig d = factory.defaultConfig();
    return new SpanMetricsConfig(
        d.histogram(),
        dimensions,
        List.of(),
        temporality,
        d.metricsFlushInterval(),
        d.namespace(),
        cardinalityLimit);
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static Span span(String name, long durationMs, Status.StatusCode code, KeyValue... at) {
    return Span.newBuilder()
        .setName(name)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(10 * MS)
        .setEndTimeUnixNano((10 + durationMs) * MS)
        .setStatus(Status.newBuilder().setCode(code))
        .addAllAttributes(List.of(at))
        .build();
  }

  private static Telemetry traces(String service, Span... spans) {
    return Traces.of(
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(attr("service.name", service))
                            .addAttributes(attr("deployment.environment", "prod")))
                    .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
            .build(),
        RequestContext.EMPTY);
  }

  private static Metric metric(Metrics metrics, String name) {
    return metrics.request().getResourceMetricsList().stream()
        .flatMap(r -> r.getScopeMetricsList().stream())
        .flatMap(s -> s.getMetricsList().stream())
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, String> labels(List<KeyValue> attributes) {
    return attributes.stream()
        .collect(
            Collectors.toMap(
                KeyValue::getKey,
                kv ->
                    kv.getValue().hasBoolValue()
                        ? String.valueOf(kv.getValue().getBoolValue())
                        : kv.getValue().getStringValue()));
  }

  private static Map<Map<String, String>, Long> calls(Metrics metrics) {
    return metrics.request().getResourceMetricsList().stream()
        .flatMap(r -> r.getScopeMetricsList().stream())
        .flatMap(s -> s.getMetricsList().stream())
        .filter(m -> m.getName().equals("traces.span.metrics.calls"))
        .flatMap(m -> m.getSum().getDataPointsList().stream())
        .collect(Collectors.toMap(p -> labels(p.getAttributesList()), NumberDataPoint::getAsInt));
  }

  @Test
  void countsCallsAndDurations_perServiceSpanKindAndStatus() {
    SpanMetricsConnector connector =
        connector(config(List.of(), "AGGREGATION_TEMPORALITY_CUMULATIVE", 0));
    connector.consume(
        traces(
            "checkout",
            span("GET /cart", 3, Status.StatusCode.STATUS_CODE_UNSET),
            span("GET /cart", 5, Status.StatusCode.STATUS_CODE_UNSET),
            span("GET /cart", 20_000, Status.StatusCode.STATUS_CODE_ERROR)));
    connector.consume(traces("payment", span("charge", 4, Status.StatusCode.STATUS_CODE_OK)));
    connector.flush().join();

    Metrics metrics = sent.getFirst();
    assertThat(metrics.request().getResourceMetricsList())
        .extracting(ResourceMetrics::getResource)
        .extracting(r -> labels(r.getAttributesList()).get("service.name"))
        .containsExactly("checkout", "payment");
    Metric calls = metric(metrics, "traces.span.metrics.calls");
    assertThat(calls.getSum().getIsMonotonic()).isTrue();
    assertThat(calls.getSum().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    assertThat(calls(metrics))
        .containsEntry(
            Map.of(
                "service.name", "checkout",
                "span.name", "GET /cart",
                "span.kind", "SPAN_KIND_SERVER",
                "status.code", "STATUS_CODE_UNSET"),
            2L)
        .containsEntry(
            Map.of(
                "service.name", "checkout",
                "span.name", "GET /cart",
                "span.kind", "SPAN_KIND_SERVER",
                "status.code", "STATUS_CODE_ERROR"),
            1L)
        .hasSize(3);

    Metric duration = metric(metrics, "traces.span.metrics.duration");
    assertThat(duration.getUnit()).isEqualTo("ms");
    HistogramDataPoint ok =
        duration.getHistogram().getDataPointsList().stream()
            .filter(
                p -> labels(p.getAttributesList()).get("status.code").equals("STATUS_CODE_UNSET"))
            .findFirst()
            .orElseThrow();
    assertThat(ok.getCount()).isEqualTo(2);
    assertThat(ok.getSum()).isEqualTo(8.0);
    assertThat(ok.getExplicitBoundsList()).startsWith(2.0, 4.0, 6.0).endsWith(15_000.0);
    // 3 ms falls in (2, 4], 5 ms in (4, 6]
    assertThat(ok.getBucketCountsList()).startsWith(0L, 1L, 1L, 0L);
    HistogramDataPoint slow =
        duration.getHistogram().getDataPointsList().stream()
            .filter(
                p -> labels(p.getAttributesList()).get("status.code").equals("STATUS_CODE_ERROR"))
            .findFirst()
            .orElseThrow();
    assertThat(slow.getBucketCountsList()).hasSize(17).endsWith(1L); // beyond the last bound
  }

  @Test
  void cumulative_keepsCounting_andDelta_startsAgainEachInterval() {
    SpanMetricsConnector cumulative =
        connector(config(List.of(), "AGGREGATION_TEMPORALITY_CUMULATIVE", 0));
    cumulative.consume(traces("a", span("x", 1, Status.StatusCode.STATUS_CODE_UNSET)));
    cumulative.flush().join();
    clock.addAndGet(60_000 * MS);
    cumulative.consume(traces("a", span("x", 1, Status.StatusCode.STATUS_CODE_UNSET)));
    cumulative.flush().join();
    NumberDataPoint second =
        metric(sent.get(1), "traces.span.metrics.calls").getSum().getDataPoints(0);
    assertThat(second.getAsInt()).isEqualTo(2);
    assertThat(second.getTimeUnixNano() - second.getStartTimeUnixNano()).isEqualTo(60_000 * MS);

    sent.clear();
    SpanMetricsConnector delta = connector(config(List.of(), "AGGREGATION_TEMPORALITY_DELTA", 0));
    delta.consume(traces("a", span("x", 1, Status.StatusCode.STATUS_CODE_UNSET)));
    delta.consume(traces("a", span("x", 1, Status.StatusCode.STATUS_CODE_UNSET)));
    clock.addAndGet(1_000 * MS);
    delta.flush().join();
    delta.flush().join(); // nothing new: nothing sent
    clock.addAndGet(1_000 * MS);
    delta.consume(traces("a", span("x", 1, Status.StatusCode.STATUS_CODE_UNSET)));
    delta.flush().join();
    assertThat(sent).hasSize(2);
    assertThat(
            metric(sent.get(0), "traces.span.metrics.calls").getSum().getDataPoints(0).getAsInt())
        .isEqualTo(2);
    NumberDataPoint later =
        metric(sent.get(1), "traces.span.metrics.calls").getSum().getDataPoints(0);
    assertThat(later.getAsInt()).isEqualTo(1);
    assertThat(later.getStartTimeUnixNano())
        .isEqualTo(
            metric(sent.get(0), "traces.span.metrics.calls")
                .getSum()
                .getDataPoints(0)
                .getTimeUnixNano());
  }

  @Test
  void dimensions_comeFromTheSpan_thenTheResource_thenTheDefault() {
    SpanMetricsConnector connector =
        connector(
            config(
                List.of(
                    Map.of("name", "http.route"),
                    Map.of("name", "deployment.environment"),
                    Map.of("name", "region", "default", "unknown")),
                "AGGREGATION_TEMPORALITY_CUMULATIVE",
                0));
    connector.consume(
        traces(
            "api",
            span("GET", 1, Status.StatusCode.STATUS_CODE_UNSET, attr("http.route", "/users")),
            span("GET", 1, Status.StatusCode.STATUS_CODE_UNSET)));
    connector.flush().join();
    assertThat(calls(sent.getFirst()).keySet())
        .extracting(
            l ->
                l.get("http.route") + "|" + l.get("deployment.environment") + "|" + l.get("region"))
        .containsExactlyInAnyOrder("/users|prod|unknown", "null|prod|unknown");
  }

  @Test
  void excludedDimensions_areLeftOut_andTheirSeriesMerge() {
    SpanMetricsConfig d = factory.defaultConfig();
    SpanMetricsConnector connector =
        connector(
            new SpanMetricsConfig(
                d.histogram(),
                List.of(),
                List.of("status.code", "span.kind"),
                d.aggregationTemporality(),
                d.metricsFlushInterval(),
                d.namespace(),
                0));
    connector.consume(
        traces(
            "api",
            span("GET", 1, Status.StatusCode.STATUS_CODE_OK),
            span("GET", 1, Status.StatusCode.STATUS_CODE_ERROR)));
    connector.flush().join();
    assertThat(calls(sent.getFirst()))
        .containsExactly(Map.entry(Map.of("service.name", "api", "span.name", "GET"), 2L));
  }

  @Test
  void pastTheCardinalityLimit_spansCountInTheOverflowSeries() {
    SpanMetricsConnector connector =
        connector(config(List.of(), "AGGREGATION_TEMPORALITY_CUMULATIVE", 2));
    connector.consume(
        traces(
            "api",
            span("a", 1, Status.StatusCode.STATUS_CODE_UNSET),
            span("b", 1, Status.StatusCode.STATUS_CODE_UNSET),
            span("c", 1, Status.StatusCode.STATUS_CODE_UNSET),
            span("d", 1, Status.StatusCode.STATUS_CODE_UNSET),
            span("a", 1, Status.StatusCode.STATUS_CODE_UNSET)));
    connector.flush().join();
    Map<Map<String, String>, Long> calls = calls(sent.getFirst());
    assertThat(calls).hasSize(3).containsEntry(Map.of("otel.metric.overflow", "true"), 2L);
    assertThat(calls.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(5);
  }

  @Test
  void shutdown_sendsWhatWasCounted() {
    SpanMetricsConnector connector =
        connector(config(List.of(), "AGGREGATION_TEMPORALITY_CUMULATIVE", 0));
    connector.consume(traces("api", span("a", 1, Status.StatusCode.STATUS_CODE_UNSET)));
    connector.shutdown();
    assertThat(sent).hasSize(1);
  }

  @Test
  void badSettings_areNamed() {
    SpanMetricsConfig d = factory.defaultConfig();
    assertThatThrownBy(
            () ->
                new SpanMetricsConfig(
                        d.histogram(),
                        List.of(Map.of("default", "x")),
                        List.of(),
                        d.aggregationTemporality(),
                        d.metricsFlushInterval(),
                        d.namespace(),
                        0)
                    .validate())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("a dimension needs a 'name'");
    assertThatThrownBy(
            () ->
                new SpanMetricsConfig(
                        new SpanMetricsConfig.Histogram(
                            false,
                            "ms",
                            new SpanMetricsConfig.Explicit(
                                List.of(Duration.ofMillis(10), Duration.ofMillis(5))),
                            null),
                        List.of(),
                        List.of(),
                        d.aggregationTemporality(),
                        d.metricsFlushInterval(),
                        d.namespace(),
                        0)
                    .validate())
        .hasMessageContaining("must increase");
    assertThatThrownBy(
            () ->
                new SpanMetricsConfig(
                        d.histogram(),
                        List.of(),
                        List.of("span.name", "http.method"),
                        d.aggregationTemporality(),
                        d.metricsFlushInterval(),
                        d.namespace(),
                        0)
                    .validate())
        .hasMessageContaining("'http.method' is not one of");
  }
}
