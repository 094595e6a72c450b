package dev.spyglass.storage;

import static dev.spyglass.storage.Otlp.DAY;
import static dev.spyglass.storage.Otlp.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every store must do, whatever its engine (STYLE §12): one subclass per implementation (the
 * embedded Lucene store now, OpenSearch later) provides {@link #write} and {@link #reader}.
 */
public abstract class TelemetryStoreContract {

  /** Writes a batch; the future completes when it is acknowledged. */
  protected abstract void write(Telemetry batch);

  protected abstract TelemetryReader reader();

  private SearchResult search(Signal signal, String query, long start, long end, int limit) {
    return search(signal, query, start, end, limit, Optional.empty());
  }

  private SearchResult search(
      Signal signal, String query, long start, long end, int limit, Optional<Cursor> after) {
    try {
      return reader().search(SearchRequest.of(signal, query, start, end, limit).withAfter(after));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Waits until {@code query} finds {@code count} records (new data is searchable within 1 s). */
  private SearchResult awaitHits(Signal signal, String query, long count) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> search(signal, query, Long.MIN_VALUE, Long.MAX_VALUE, 1000),
            r -> r.total() == count);
  }

  private static LogRecord onlyLog(StoredRecord record) throws Exception {
    ExportLogsServiceRequest request =
        ExportLogsServiceRequest.parseFrom(record.toRequest().toByteArray());
    assertThat(request.getResourceLogsCount()).isEqualTo(1);
    assertThat(request.getResourceLogs(0).getScopeLogsCount()).isEqualTo(1);
    return request.getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
  }

  @Test
  void logRecords_comeBackByteForByte_withTheirResourceAndScope_newestFirst() throws Exception {
    LogRecord first = Otlp.log(T0 + 1, SeverityNumber.SEVERITY_NUMBER_INFO, "user logged in");
    LogRecord second = Otlp.log(T0 + 2, SeverityNumber.SEVERITY_NUMBER_ERROR, "payment failed");
    var batch = Otlp.logs("checkout", first, second);
    write(batch);

    SearchResult result = awaitHits(Signal.LOGS, "*", 2);

    assertThat(result.records())
        .extracting(StoredRecord::timestampNanos)
        .containsExactly(T0 + 2, T0 + 1);
    assertThat(onlyLog(result.records().get(0))).isEqualTo(second);
    assertThat(((StoredLog) result.records().get(0)).log()).isEqualTo(second);
    ExportLogsServiceRequest stored =
        ((ExportLogsServiceRequest) result.hits().get(1).record().toRequest());
    ExportLogsServiceRequest original = batch.request();
    assertThat(stored.getResourceLogs(0).getResource())
        .isEqualTo(original.getResourceLogs(0).getResource());
    assertThat(stored.getResourceLogs(0).getScopeLogs(0).getScope())
        .isEqualTo(original.getResourceLogs(0).getScopeLogs(0).getScope());
    assertThat(onlyLog(result.records().get(1))).isEqualTo(first);
  }

  @Test
  void keywordFields_areExactAndCaseSensitive_bodyIsFullText() {
    write(
        Otlp.logs(
            "checkout",
            Otlp.log(
                T0 + 1,
                SeverityNumber.SEVERITY_NUMBER_ERROR,
                "Connection RESET by peer",
                Otlp.attribute("http.method", "POST")),
            Otlp.log(T0 + 2, SeverityNumber.SEVERITY_NUMBER_INFO, "connection established")));
    write(Otlp.logs("cart", Otlp.log(T0 + 3, SeverityNumber.SEVERITY_NUMBER_WARN, "reset cart")));
    awaitHits(Signal.LOGS, "*", 3);

    assertThat(search(Signal.LOGS, "service.name:checkout", T0, T0 + 10, 10).total()).isEqualTo(2);
    assertThat(search(Signal.LOGS, "service.name:Checkout", T0, T0 + 10, 10).total()).isZero();
    assertThat(search(Signal.LOGS, "body:\"connection reset\"", T0, T0 + 10, 10).total())
        .isEqualTo(1);
    assertThat(search(Signal.LOGS, "reset", T0, T0 + 10, 10).total()).isEqualTo(2);
    assertThat(search(Signal.LOGS, "service.name:checkout AND body:reset", T0, T0 + 10, 10).total())
        .isEqualTo(1);
    assertThat(search(Signal.LOGS, "attributes.http.method:POST", T0, T0 + 10, 10).total())
        .isEqualTo(1);
    assertThat(search(Signal.LOGS, "severity_number:>=17", T0, T0 + 10, 10).total()).isEqualTo(1);
    assertThat(search(Signal.LOGS, "severity_text:WARN", T0, T0 + 10, 10).total()).isEqualTo(1);
  }

  @Test
  void timeRange_selectsRecords_acrossDailyPartitions() {
    for (int day = 0; day < 5; day++) {
      write(
          Otlp.logs(
              "svc", Otlp.log(T0 + day * DAY, SeverityNumber.SEVERITY_NUMBER_INFO, "day " + day)));
    }
    awaitHits(Signal.LOGS, "*", 5);

    SearchResult middle = search(Signal.LOGS, "*", T0 + DAY, T0 + 3 * DAY, 100);
    assertThat(middle.records())
        .extracting(StoredRecord::timestampNanos)
        .containsExactly(T0 + 3 * DAY, T0 + 2 * DAY, T0 + DAY);
    assertThat(search(Signal.LOGS, "*", T0 + DAY + 1, T0 + 2 * DAY - 1, 100).total()).isZero();
  }

  @Test
  void cursor_pagesThroughEverything_once_evenWhileNewerDataArrives() {
    List<LogRecord> records = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      records.add(
          Otlp.log(T0 + (i % 5) * DAY + i, SeverityNumber.SEVERITY_NUMBER_INFO, "line " + i));
    }
    write(Otlp.logs("svc", records.toArray(LogRecord[]::new)));
    awaitHits(Signal.LOGS, "*", 25);

    List<Long> seen = new ArrayList<>();
    Optional<Cursor> cursor = Optional.empty();
    int pages = 0;
    do {
      SearchResult page = search(Signal.LOGS, "*", T0, T0 + 10 * DAY, 10, cursor);
      page.records().forEach(hit -> seen.add(hit.timestampNanos()));
      cursor = page.next();
      pages++;
      if (pages == 1) {
        write(
            Otlp.logs("svc", Otlp.log(T0 + 6 * DAY, SeverityNumber.SEVERITY_NUMBER_INFO, "newer")));
        awaitHits(Signal.LOGS, "*", 26);
      }
    } while (cursor.isPresent() && pages < 10);

    assertThat(seen).hasSize(25).doesNotHaveDuplicates();
    assertThat(seen).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(new HashSet<>(seen))
        .containsAll(records.stream().map(LogRecord::getTimeUnixNano).toList());
  }

  @Test
  void spans_byDurationKindStatus_andTraceLookupFindsSpansAndLogs() throws Exception {
    String trace = "5b8efff798038103d269b633813fc60c";
    write(
        Otlp.traces(
            "checkout",
            Otlp.span(
                trace,
                "eee19b7ec3c1b174",
                "GET /cart",
                T0,
                300_000_000,
                Span.SpanKind.SPAN_KIND_SERVER,
                true),
            Otlp.span(
                trace,
                "eee19b7ec3c1b175",
                "SELECT",
                T0 + 10,
                20_000_000,
                Span.SpanKind.SPAN_KIND_CLIENT,
                false),
            Otlp.span(
                "00000000000000000000000000000001",
                "0000000000000001",
                "other",
                T0 + 20,
                1_000,
                Span.SpanKind.SPAN_KIND_INTERNAL,
                false)));
    LogRecord inTrace =
        Otlp.log(T0 + 5, SeverityNumber.SEVERITY_NUMBER_ERROR, "query failed").toBuilder()
            .setTraceId(Otlp.id(trace))
            .build();
    write(Otlp.logs("checkout", inTrace));
    awaitHits(Signal.TRACES, "*", 3);
    awaitHits(Signal.LOGS, "*", 1);

    assertThat(search(Signal.TRACES, "duration:>250000000", T0, T0 + DAY, 10).total()).isEqualTo(1);
    assertThat(search(Signal.TRACES, "kind:client", T0, T0 + DAY, 10).total()).isEqualTo(1);
    assertThat(
            search(Signal.TRACES, "status.code:error AND name:\"GET /cart\"", T0, T0 + DAY, 10)
                .total())
        .isEqualTo(1);
    assertThat(search(Signal.TRACES, "trace_id:" + trace, T0, T0 + DAY, 10).total()).isEqualTo(2);
    assertThat(
            search(Signal.TRACES, "attributes.http.response.status_code:>=500", T0, T0 + DAY, 10)
                .total())
        .isEqualTo(1);
    assertThat(
            search(
                    Signal.TRACES,
                    "attributes.http.response.status_code:[200 TO 299]",
                    T0,
                    T0 + DAY,
                    10)
                .total())
        .isEqualTo(2);
    assertThat(
            search(Signal.TRACES, "attributes.http.response.status_code:500", T0, T0 + DAY, 10)
                .total())
        .isEqualTo(1);

    TraceRecords found =
        reader()
            .trace(
                new TraceRequest(
                    trace.toUpperCase(), T0 - DAY, T0 + DAY, 100, true, Deadline.NONE));
    assertThat(found.spans())
        .extracting(StoredSpan::spanIdHex)
        .containsExactly("eee19b7ec3c1b175", "eee19b7ec3c1b174");
    assertThat(found.logs()).extracting(l -> l.log()).containsExactly(inTrace);
    assertThat(found.partial()).isFalse();
    Span stored =
        ((ExportTraceServiceRequest) found.spans().get(0).toRequest())
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);
    assertThat(stored.getTraceId()).isEqualTo(Otlp.id(trace));
    assertThat(
            reader()
                .trace(new TraceRequest(trace, T0 - DAY, T0 + DAY, 100, false, Deadline.NONE))
                .logs())
        .isEmpty();
  }

  @Test
  void metricDataPoints_areOneRecordEach() throws Exception {
    write(Otlp.gauge("node", "system.cpu.utilization", T0, 0.25, 0.75, 0.5));
    SearchResult all = awaitHits(Signal.METRICS, "metric.name:system.cpu.utilization", 3);

    assertThat(search(Signal.METRICS, "value:>0.4", T0, T0 + DAY, 10).total()).isEqualTo(2);
    var metric =
        ((ExportMetricsServiceRequest) all.hits().getFirst().record().toRequest())
            .getResourceMetrics(0)
            .getScopeMetrics(0)
            .getMetrics(0);
    assertThat(metric.getName()).isEqualTo("system.cpu.utilization");
    assertThat(metric.getGauge().getDataPointsCount()).isEqualTo(1);
  }

  @Test
  void sumsAndHistograms_indexTheirValuesCountsAndSums() throws Exception {
    var sum =
        io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
            .setName("http.server.requests")
            .setSum(
                io.opentelemetry.proto.metrics.v1.Sum.newBuilder()
                    .setIsMonotonic(true)
                    .setAggregationTemporality(
                        io.opentelemetry.proto.metrics.v1.AggregationTemporality
                            .AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(
                        io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder()
                            .setTimeUnixNano(T0)
                            .setAsInt(42)))
            .build();
    var histogram =
        io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
            .setName("http.server.duration")
            .setHistogram(
                io.opentelemetry.proto.metrics.v1.Histogram.newBuilder()
                    .addDataPoints(
                        io.opentelemetry.proto.metrics.v1.HistogramDataPoint.newBuilder()
                            .setTimeUnixNano(T0 + 1)
                            .setCount(3)
                            .setSum(1.5)
                            .addBucketCounts(3)))
            .build();
    write(
        dev.spyglass.pipeline.Metrics.of(
            ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(
                    io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder()
                        .setResource(Otlp.service("api"))
                        .addScopeMetrics(
                            io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder()
                                .addMetrics(sum)
                                .addMetrics(histogram)))
                .build(),
            dev.spyglass.pipeline.RequestContext.EMPTY));
    awaitHits(Signal.METRICS, "*", 2);

    assertThat(
            search(Signal.METRICS, "metric.type:sum AND value:[42 TO 42]", T0, T0 + DAY, 10)
                .total())
        .isEqualTo(1);
    assertThat(search(Signal.METRICS, "metric.temporality:cumulative", T0, T0 + DAY, 10).total())
        .isEqualTo(1);
    SearchResult histograms =
        search(Signal.METRICS, "metric.type:histogram AND count:>=3", T0, T0 + DAY, 10);
    assertThat(histograms.total()).isEqualTo(1);
    var stored =
        ((ExportMetricsServiceRequest) histograms.hits().getFirst().record().toRequest())
            .getResourceMetrics(0)
            .getScopeMetrics(0)
            .getMetrics(0);
    assertThat(stored).isEqualTo(histogram);
  }

  @Test
  void fields_listNamesAndKinds() throws Exception {
    write(
        Otlp.logs(
            "svc",
            Otlp.log(
                T0,
                SeverityNumber.SEVERITY_NUMBER_INFO,
                "hello",
                Otlp.attribute("http.method", "GET"),
                Otlp.attribute("http.response.status_code", 200))));
    awaitHits(Signal.LOGS, "*", 1);

    Map<String, FieldKind> fields = reader().fields(Signal.LOGS);
    assertThat(fields)
        .containsEntry("service.name", FieldKind.KEYWORD)
        .containsEntry("body", FieldKind.TEXT)
        .containsEntry("severity_number", FieldKind.NUMBER)
        .containsEntry("timestamp", FieldKind.TIME)
        .containsEntry("attributes.http.method", FieldKind.KEYWORD)
        .containsEntry("attributes.http.response.status_code", FieldKind.KEYWORD)
        .containsEntry("resource.host.name", FieldKind.KEYWORD);
    assertThat(fields.keySet()).noneMatch(name -> name.startsWith("_"));
  }

  @Test
  void invalidQuery_isRefused() {
    assertThatThrownBy(
            () -> reader().search(SearchRequest.of(Signal.LOGS, "body:(unclosed", 0, 1, 10)))
        .isInstanceOf(InvalidQueryException.class);
    assertThatThrownBy(() -> reader().search(SearchRequest.of(Signal.LOGS, "*leading", 0, 1, 10)))
        .isInstanceOf(InvalidQueryException.class);
    // A regex that may begin with any character reads every term, as a leading wildcard does.
    for (String regex : List.of("body:/.*leading/", "+/.+x/", "(a OR body:/[^a]bc/)")) {
      assertThatThrownBy(() -> reader().search(SearchRequest.of(Signal.LOGS, regex, 0, 1, 10)))
          .as(regex)
          .isInstanceOf(InvalidQueryException.class)
          .hasMessageContaining("can begin with any character");
    }
  }

  // ---- The whole read side, with exact values (shop traces, CPU gauges, request counters). ----

  private static final String TRACE_A = "0000000000000000000000000000000a";
  private static final String TRACE_B = "0000000000000000000000000000000b";
  private static final long MS = 1_000_000L;
  private static final long HOUR = 3_600_000_000_000L;

  private static Span child(Span span, String parentHex) {
    return span.toBuilder().setParentSpanId(Otlp.id(parentHex)).build();
  }

  /**
   * Two checkout traces an hour apart: frontend → cart (→ its own redis call) and, in the second,
   * frontend → cart and payment, both failing.
   */
  private void writeShop() {
    write(
        Otlp.traces(
            "frontend",
            Otlp.span(
                TRACE_A,
                "00000000000000a1",
                "GET /cart",
                T0,
                100 * MS,
                Span.SpanKind.SPAN_KIND_SERVER,
                false),
            Otlp.span(
                TRACE_B,
                "00000000000000a2",
                "GET /cart",
                T0 + HOUR,
                300 * MS,
                Span.SpanKind.SPAN_KIND_SERVER,
                true)));
    write(
        Otlp.traces(
            "cart",
            child(
                Otlp.span(
                    TRACE_A,
                    "00000000000000b1",
                    "GetCart",
                    T0 + MS,
                    50 * MS,
                    Span.SpanKind.SPAN_KIND_SERVER,
                    false),
                "00000000000000a1"),
            child(
                Otlp.span(
                    TRACE_A,
                    "00000000000000c1",
                    "redis GET",
                    T0 + 2 * MS,
                    5 * MS,
                    Span.SpanKind.SPAN_KIND_CLIENT,
                    false),
                "00000000000000b1"),
            child(
                Otlp.span(
                    TRACE_B,
                    "00000000000000b2",
                    "GetCart",
                    T0 + HOUR + MS,
                    200 * MS,
                    Span.SpanKind.SPAN_KIND_SERVER,
                    true),
                "00000000000000a2")));
    write(
        Otlp.traces(
            "payment",
            child(
                Otlp.span(
                    TRACE_B,
                    "00000000000000d2",
                    "Charge",
                    T0 + HOUR + 2 * MS,
                    20 * MS,
                    Span.SpanKind.SPAN_KIND_SERVER,
                    false),
                "00000000000000a2")));
    awaitHits(Signal.TRACES, "*", 6);
  }

  private AggregationResult aggregate(
      String query,
      long start,
      long end,
      List<String> groupBy,
      long interval,
      int size,
      Measure... measures)
      throws java.io.IOException {
    return reader()
        .aggregate(
            new AggregationRequest(
                Signal.TRACES,
                query,
                start,
                end,
                groupBy,
                interval,
                List.of(measures),
                size,
                Deadline.NONE));
  }

  private static Measure measure(Measure.Function function, String field) {
    return new Measure(function, field);
  }

  @Test
  void servicesAndOperations_areExact_andKeepToTheTimeRange() throws Exception {
    writeShop();

    assertThat(reader().services(Signal.TRACES, Long.MIN_VALUE, Long.MAX_VALUE, Deadline.NONE))
        .isEqualTo(Answer.complete(List.of("cart", "frontend", "payment")));
    // The second trace alone: the hour after the first.
    assertThat(
            reader()
                .services(Signal.TRACES, T0 + HOUR + 2 * MS, T0 + 2 * HOUR, Deadline.NONE)
                .value())
        .containsExactly("payment");
    assertThat(
            reader().services(Signal.LOGS, Long.MIN_VALUE, Long.MAX_VALUE, Deadline.NONE).value())
        .isEmpty();
    assertThat(reader().operations("cart", Long.MIN_VALUE, Long.MAX_VALUE, Deadline.NONE))
        .isEqualTo(
            Answer.complete(
                List.of(new Operation("GetCart", "server"), new Operation("redis GET", "client"))));
    assertThat(reader().operations("cart", T0 + HOUR, T0 + 2 * HOUR, Deadline.NONE).value())
        .containsExactly(new Operation("GetCart", "server"));
    assertThat(reader().operations("nobody", Long.MIN_VALUE, Long.MAX_VALUE, Deadline.NONE).value())
        .isEmpty();
  }

  @Test
  void dependencies_countCallsBetweenDifferentServices() throws Exception {
    writeShop();

    assertThat(reader().dependencies(T0 - HOUR, T0 + 2 * HOUR, Deadline.NONE))
        .isEqualTo(
            Answer.complete(
                List.of(
                    new Dependency("frontend", "cart", 2),
                    new Dependency("frontend", "payment", 1))));
    // The first trace alone: cart's own redis call is no dependency.
    assertThat(reader().dependencies(T0, T0 + HOUR - 1, Deadline.NONE).value())
        .containsExactly(new Dependency("frontend", "cart", 1));
  }

  @Test
  void aggregate_groupsByKeyword_withExactCountsErrorsAndDurationStatistics() throws Exception {
    writeShop();
    long start = T0;
    long end = T0 + HOUR + 1_000_000_000L;

    AggregationResult result =
        aggregate(
            "*",
            start,
            end,
            List.of("service.name"),
            0,
            2,
            Measure.of(Measure.Function.COUNT),
            Measure.of(Measure.Function.ERRORS),
            Measure.of(Measure.Function.RATE),
            measure(Measure.Function.AVG, "duration"),
            measure(Measure.Function.MIN, "duration"),
            measure(Measure.Function.MAX, "duration"),
            measure(Measure.Function.SUM, "duration"));

    assertThat(result.total()).isEqualTo(6);
    assertThat(result.otherCount()).isEqualTo(1); // payment, beyond size 2
    assertThat(result.partial()).isFalse();
    assertThat(result.groups())
        .extracting(AggregationResult.Group::key)
        .containsExactly(List.of("cart"), List.of("frontend"));
    double seconds = (end - start) / 1e9;
    assertThat(result.groups().get(0).values())
        .containsExactly(3, 1, 3 / seconds, 85.0 * MS, 5.0 * MS, 200.0 * MS, 255.0 * MS);
    assertThat(result.groups().get(1).values())
        .containsExactly(2, 1, 2 / seconds, 200.0 * MS, 100.0 * MS, 300.0 * MS, 400.0 * MS);
    assertThat(result.groups().get(0).histogram()).isEmpty();
  }

  @Test
  void aggregate_nestedGroups_areOrderedByCountThenKey() throws Exception {
    writeShop();

    AggregationResult result =
        aggregate(
            "*",
            T0,
            T0 + 2 * HOUR,
            List.of("service.name", "name"),
            0,
            10,
            Measure.of(Measure.Function.COUNT));

    assertThat(result.groups())
        .extracting(AggregationResult.Group::key)
        .containsExactly(
            List.of("cart", "GetCart"),
            List.of("frontend", "GET /cart"),
            List.of("cart", "redis GET"),
            List.of("payment", "Charge"));
    assertThat(result.groups()).extracting(g -> g.values()[0]).containsExactly(2.0, 2.0, 1.0, 1.0);
    assertThat(result.otherCount()).isZero();
  }

  @Test
  void aggregate_dateHistogram_hasEveryBucketOfTheRange_emptyOnesIncluded() throws Exception {
    writeShop();
    // T0 is 04:40 UTC: hourly buckets 04:00, 05:00 (the second trace, 05:40) and 06:00 (empty).
    long hourOfT0 = Math.floorDiv(T0, HOUR) * HOUR;

    AggregationResult result =
        aggregate(
            "*",
            T0,
            T0 + 2 * HOUR,
            List.of("service.name"),
            HOUR,
            10,
            Measure.of(Measure.Function.COUNT),
            measure(Measure.Function.MAX, "duration"));

    AggregationResult.Group cart = result.groups().getFirst();
    assertThat(cart.key()).containsExactly("cart");
    assertThat(cart.histogram())
        .extracting(AggregationResult.TimeBucket::startNanos)
        .containsExactly(hourOfT0, hourOfT0 + HOUR, hourOfT0 + 2 * HOUR);
    assertThat(cart.histogram().get(0).values()).containsExactly(2, 50.0 * MS);
    assertThat(cart.histogram().get(1).values()).containsExactly(1, 200.0 * MS);
    assertThat(cart.histogram().get(2).values()[0]).isZero();
    assertThat(cart.histogram().get(2).values()[1]).isNaN(); // no durations: no maximum
  }

  @Test
  void aggregate_percentiles_areWithinOneThousandthOfTheExactValue() throws Exception {
    Span[] spans = new Span[100];
    for (int i = 0; i < 100; i++) {
      spans[i] =
          Otlp.span(
              TRACE_A,
              String.format("%016x", i + 1),
              "work",
              T0 + i,
              (i + 1) * MS,
              Span.SpanKind.SPAN_KIND_INTERNAL,
              false);
    }
    write(Otlp.traces("worker", spans));
    awaitHits(Signal.TRACES, "*", 100);

    AggregationResult result =
        aggregate(
            "service.name:worker",
            T0,
            T0 + DAY,
            List.of(),
            0,
            1,
            measure(Measure.Function.P50, "duration"),
            measure(Measure.Function.P90, "duration"),
            measure(Measure.Function.P95, "duration"),
            measure(Measure.Function.P99, "duration"));

    double[] values = result.groups().getFirst().values();
    assertThat(values[0])
        .isCloseTo(50.0 * MS, org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(values[1])
        .isCloseTo(90.0 * MS, org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(values[2])
        .isCloseTo(95.0 * MS, org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(values[3])
        .isCloseTo(99.0 * MS, org.assertj.core.data.Percentage.withPercentage(0.1));
  }

  @Test
  void aggregate_refusesWhatItCannotGroupOrMeasure() {
    assertThatThrownBy(
            () ->
                aggregate(
                    "*", T0, T0 + 1, List.of("body"), 0, 1, Measure.of(Measure.Function.COUNT)))
        .isInstanceOfSatisfying(
            InvalidQueryException.class, e -> assertThat(e.code()).isEqualTo("invalid_group_by"));
    assertThatThrownBy(
            () ->
                aggregate("*", T0, T0 + 1, List.of(), 0, 1, measure(Measure.Function.AVG, "name")))
        .isInstanceOfSatisfying(
            InvalidQueryException.class, e -> assertThat(e.code()).isEqualTo("invalid_metric"));
    assertThatThrownBy(
            () ->
                aggregate(
                    "*",
                    0,
                    100 * HOUR,
                    List.of(),
                    1_000_000_000L,
                    1,
                    Measure.of(Measure.Function.COUNT)))
        .isInstanceOfSatisfying(
            InvalidQueryException.class, e -> assertThat(e.code()).isEqualTo("too_many_buckets"));
  }

  private static io.opentelemetry.proto.metrics.v1.NumberDataPoint.Builder point(
      long time, double value, String cpu) {
    return io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder()
        .setTimeUnixNano(time)
        .setAsDouble(value)
        .addAttributes(Otlp.attribute("cpu", cpu));
  }

  private void writeMetrics(io.opentelemetry.proto.metrics.v1.Metric... metrics) {
    write(
        dev.spyglass.pipeline.Metrics.of(
            io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(
                    io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder()
                        .setResource(Otlp.service("node"))
                        .addScopeMetrics(
                            io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder()
                                .addAllMetrics(List.of(metrics))))
                .build(),
            dev.spyglass.pipeline.RequestContext.EMPTY));
  }

  private MetricSeries series(String name, MetricQuery.Aggregation aggregation, String... groupBy)
      throws java.io.IOException {
    return reader()
        .metricSeries(
            new MetricQuery(
                name,
                "",
                T0 - HOUR,
                T0 + HOUR,
                60_000_000_000L,
                aggregation,
                List.of(groupBy),
                Deadline.NONE));
  }

  private static List<Double> values(MetricSeries.Series series) {
    return series.points().stream().map(MetricSeries.Point::value).toList();
  }

  @Test
  void metricSeries_gauges_averageMaximumLastAndCountPerStep_perGroup() throws Exception {
    long minute = Math.floorDiv(T0, 60_000_000_000L) * 60_000_000_000L;
    writeMetrics(
        io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
            .setName("cpu")
            .setGauge(
                io.opentelemetry.proto.metrics.v1.Gauge.newBuilder()
                    .addDataPoints(point(minute, 1, "0"))
                    .addDataPoints(point(minute + 10_000_000_000L, 3, "0"))
                    .addDataPoints(point(minute + 70_000_000_000L, 5, "0"))
                    .addDataPoints(point(minute + 5_000_000_000L, 8, "1")))
            .build());
    awaitHits(Signal.METRICS, "*", 4);

    MetricSeries byCpu = series("cpu", MetricQuery.Aggregation.AVG, "attributes.cpu");
    assertThat(byCpu.partial()).isFalse();
    assertThat(byCpu.series())
        .extracting(MetricSeries.Series::labels)
        .containsExactly(List.of("0"), List.of("1"));
    assertThat(byCpu.series().get(0).points())
        .containsExactly(
            new MetricSeries.Point(minute, 2.0),
            new MetricSeries.Point(minute + 60_000_000_000L, 5.0));
    assertThat(values(byCpu.series().get(1))).containsExactly(8.0);
    assertThat(values(series("cpu", MetricQuery.Aggregation.MAX).series().getFirst()))
        .containsExactly(8.0, 5.0);
    assertThat(values(series("cpu", MetricQuery.Aggregation.LAST).series().getFirst()))
        .containsExactly(3.0, 5.0);
    assertThat(values(series("cpu", MetricQuery.Aggregation.COUNT).series().getFirst()))
        .containsExactly(3.0, 1.0);
    assertThat(values(series("cpu", MetricQuery.Aggregation.SUM).series().getFirst()))
        .containsExactly(12.0, 5.0);
    assertThat(series("nothing", MetricQuery.Aggregation.AVG).series()).isEmpty();
  }

  @Test
  void metricSeries_rateOfACumulativeCounter_handlesAReset() throws Exception {
    long minute = Math.floorDiv(T0, 60_000_000_000L) * 60_000_000_000L;
    io.opentelemetry.proto.metrics.v1.Sum.Builder counter =
        io.opentelemetry.proto.metrics.v1.Sum.newBuilder()
            .setIsMonotonic(true)
            .setAggregationTemporality(
                io.opentelemetry.proto.metrics.v1.AggregationTemporality
                    .AGGREGATION_TEMPORALITY_CUMULATIVE);
    double[] values = {10, 40, 5, 35}; // the process restarted between 40 and 5
    for (int i = 0; i < values.length; i++) {
      counter.addDataPoints(point(minute + i * 30_000_000_000L, values[i], "0"));
    }
    writeMetrics(
        io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
            .setName("requests")
            .setSum(counter)
            .build());
    awaitHits(Signal.METRICS, "*", 4);

    // First minute: 10 → 40 is 30 more; second: the reset counts 5, then 30 more.
    assertThat(values(series("requests", MetricQuery.Aggregation.RATE).series().getFirst()))
        .containsExactly(30 / 60.0, 35 / 60.0);
  }

  @Test
  void metricSeries_window_onePointForTheWholeRange_acrossStepBoundaries() throws Exception {
    long minute = Math.floorDiv(T0, 60_000_000_000L) * 60_000_000_000L;
    io.opentelemetry.proto.metrics.v1.Sum.Builder counter =
        io.opentelemetry.proto.metrics.v1.Sum.newBuilder()
            .setIsMonotonic(true)
            .setAggregationTemporality(
                io.opentelemetry.proto.metrics.v1.AggregationTemporality
                    .AGGREGATION_TEMPORALITY_CUMULATIVE);
    double[] values = {10, 40, 70, 100};
    for (int i = 0; i < values.length; i++) {
      counter.addDataPoints(point(minute + 45_000_000_000L + i * 10_000_000_000L, values[i], "0"));
    }
    writeMetrics(
        io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
            .setName("window.requests")
            .setSum(counter)
            .build());
    awaitHits(Signal.METRICS, "*", 4);

    // [minute+40s, minute+100s): the points straddle a minute, the window is one point.
    long start = minute + 40_000_000_000L;
    long end = minute + 100_000_000_000L - 1;
    MetricSeries rate =
        reader()
            .metricSeries(
                MetricQuery.window(
                    "window.requests",
                    "",
                    start,
                    end,
                    MetricQuery.Aggregation.RATE,
                    List.of(),
                    Deadline.NONE));
    assertThat(rate.series().getFirst().points())
        .containsExactly(new MetricSeries.Point(start, 1.5));
    MetricSeries last =
        reader()
            .metricSeries(
                MetricQuery.window(
                    "window.requests",
                    "",
                    start,
                    end,
                    MetricQuery.Aggregation.LAST,
                    List.of(),
                    Deadline.NONE));
    assertThat(values(last.series().getFirst())).containsExactly(100.0);
  }

  @Test
  void metricSeries_histogramPercentiles_interpolateWithinTheBucket() throws Exception {
    writeMetrics(
        io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
            .setName("latency")
            .setHistogram(
                io.opentelemetry.proto.metrics.v1.Histogram.newBuilder()
                    .setAggregationTemporality(
                        io.opentelemetry.proto.metrics.v1.AggregationTemporality
                            .AGGREGATION_TEMPORALITY_DELTA)
                    .addDataPoints(
                        io.opentelemetry.proto.metrics.v1.HistogramDataPoint.newBuilder()
                            .setTimeUnixNano(T0)
                            .setCount(10)
                            .setSum(500)
                            .addAllExplicitBounds(List.of(10.0, 100.0))
                            .addAllBucketCounts(List.of(2L, 6L, 2L))))
            .build());
    awaitHits(Signal.METRICS, "*", 1);

    assertThat(values(series("latency", MetricQuery.Aggregation.P50).series().getFirst()))
        .containsExactly(55.0);
    assertThat(values(series("latency", MetricQuery.Aggregation.AVG).series().getFirst()))
        .containsExactly(50.0);
  }

  @Test
  void metricSeries_refusesAGroupThatIsNoLabel() {
    assertThatThrownBy(() -> series("cpu", MetricQuery.Aggregation.AVG, "body"))
        .isInstanceOfSatisfying(
            InvalidQueryException.class, e -> assertThat(e.code()).isEqualTo("invalid_group_by"));
  }

  @Test
  void export_pagesThroughEveryMatch_newestFirst_once() throws Exception {
    LogRecord[] records = new LogRecord[25];
    for (int i = 0; i < records.length; i++) {
      records[i] =
          Otlp.log(T0 + (i % 3) * DAY + i, SeverityNumber.SEVERITY_NUMBER_INFO, "line " + i);
    }
    write(Otlp.logs("svc", records));
    awaitHits(Signal.LOGS, "*", 25);

    List<Long> seen = new ArrayList<>();
    ExportRequest request =
        new ExportRequest(
            Signal.LOGS, "body:line", T0, T0 + 3 * DAY, 10, Optional.empty(), Deadline.NONE);
    int pages = 0;
    while (true) {
      ExportPage page = reader().export(request);
      pages++;
      assertThat(page.partial()).isFalse();
      page.records().forEach(r -> seen.add(r.timestampNanos()));
      if (page.next().isEmpty() || pages > 10) {
        break;
      }
      request = request.next(page, Deadline.NONE);
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen)
        .hasSize(25)
        .doesNotHaveDuplicates()
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
  }

  @Test
  void search_highlightsTheBodyWordsTheQueryMatched_asTheIndexAnalysesThem() throws Exception {
    write(
        Otlp.logs(
            "svc", Otlp.log(T0, SeverityNumber.SEVERITY_NUMBER_ERROR, "Connection RESET by peer")));
    awaitHits(Signal.LOGS, "*", 1);

    SearchResult result =
        reader()
            .search(
                SearchRequest.of(Signal.LOGS, "body:reset AND service.name:svc", T0, T0, 10)
                    .withHighlight(true));
    assertThat(result.hits().getFirst().highlights())
        .containsExactly(Map.entry("body", "Connection <em>RESET</em> by peer"));
    assertThat(
            reader()
                .search(SearchRequest.of(Signal.LOGS, "body:reset", T0, T0, 10))
                .hits()
                .getFirst()
                .highlights())
        .isEmpty();
    assertThat(
            reader()
                .search(
                    SearchRequest.of(Signal.LOGS, "body:reset", T0, T0, 10).withCountTotal(false))
                .total())
        .isEqualTo(-1);
  }

  @Test
  void everyRead_pastItsDeadline_answersPartial() throws Exception {
    writeShop();
    write(Otlp.logs("frontend", Otlp.log(T0, SeverityNumber.SEVERITY_NUMBER_INFO, "hello")));
    write(Otlp.gauge("node", "cpu", T0, 0.5));
    awaitHits(Signal.LOGS, "*", 1);
    awaitHits(Signal.METRICS, "*", 1);
    Deadline passed = new Deadline(System.nanoTime() - 1);
    long end = T0 + DAY;

    assertThat(
            reader()
                .search(SearchRequest.of(Signal.TRACES, "*", T0, end, 10).withDeadline(passed))
                .partial())
        .isTrue();
    assertThat(reader().trace(new TraceRequest(TRACE_A, T0, end, 10, true, passed)).partial())
        .isTrue();
    assertThat(reader().services(Signal.TRACES, T0, end, passed).partial()).isTrue();
    assertThat(reader().operations("cart", T0, end, passed).partial()).isTrue();
    assertThat(reader().dependencies(T0, end, passed).partial()).isTrue();
    assertThat(
            reader()
                .aggregate(
                    new AggregationRequest(
                        Signal.TRACES,
                        "*",
                        T0,
                        end,
                        List.of(),
                        0,
                        List.of(Measure.of(Measure.Function.COUNT)),
                        1,
                        passed))
                .partial())
        .isTrue();
    assertThat(
            reader()
                .metricSeries(
                    new MetricQuery(
                        "cpu",
                        "",
                        T0,
                        end,
                        60_000_000_000L,
                        MetricQuery.Aggregation.AVG,
                        List.of(),
                        passed))
                .partial())
        .isTrue();
    Optional<Cursor> after = Optional.of(new Cursor(T0 + 5, 0, 0));
    ExportPage page =
        reader().export(new ExportRequest(Signal.LOGS, "*", 0, end, 10, after, passed));
    assertThat(page.partial()).isTrue();
    assertThat(page.records()).isEmpty();
    assertThat(page.next()).isEqualTo(after);
    // And with time to spare, the same reads are complete.
    Deadline later = Deadline.after(Duration.ofMinutes(1));
    assertThat(reader().services(Signal.TRACES, T0, end, later).partial()).isFalse();
    assertThat(
            reader()
                .search(SearchRequest.of(Signal.TRACES, "*", T0, end, 10).withDeadline(later))
                .hits())
        .hasSize(6);
  }

  /** Collects what a live tail hands over. */
  private static final class Collected implements TailListener {
    final List<StoredRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile boolean closed;

    @Override
    public void records(List<StoredRecord> batch) {
      records.addAll(batch);
    }

    @Override
    public void dropped(long count) {}

    @Override
    public void closed() {
      closed = true;
    }
  }

  @Test
  void liveTail_handsOverMatchingRecords_withinASecondOfTheirAcknowledgement() throws Exception {
    Collected errors = new Collected();
    Collected spans = new Collected();
    try (TailSubscription tail =
            reader()
                .tail(new TailRequest(Signal.LOGS, "severity_text:ERROR AND body:reset"), errors);
        TailSubscription other = reader().tail(new TailRequest(Signal.TRACES, "*"), spans)) {
      write(
          Otlp.logs(
              "checkout",
              Otlp.log(T0 + 1, SeverityNumber.SEVERITY_NUMBER_ERROR, "Connection reset by peer"),
              Otlp.log(T0 + 2, SeverityNumber.SEVERITY_NUMBER_INFO, "connection reset, retrying"),
              Otlp.log(T0 + 3, SeverityNumber.SEVERITY_NUMBER_ERROR, "disk full")));
      // The aim is a second; the wait allows for a loaded two-core test machine's scheduling.
      await().atMost(Duration.ofSeconds(2)).until(() -> !errors.records.isEmpty());
      assertThat(errors.records).hasSize(1);
      assertThat(onlyLog(errors.records.get(0)).getBody().getStringValue())
          .isEqualTo("Connection reset by peer");
      assertThat(errors.records.get(0).timestampNanos()).isEqualTo(T0 + 1);
      // The records are searchable too, and the tail found the same one a search finds.
      SearchResult searched = awaitHits(Signal.LOGS, "severity_text:ERROR AND body:reset", 1);
      assertThat(onlyLog(searched.records().get(0))).isEqualTo(onlyLog(errors.records.get(0)));
      assertThat(spans.records).isEmpty();
    }
    // Closed subscriptions get nothing more.
    write(
        Otlp.logs(
            "checkout",
            Otlp.log(T0 + 4, SeverityNumber.SEVERITY_NUMBER_ERROR, "connection reset again")));
    awaitHits(Signal.LOGS, "body:again", 1);
    assertThat(errors.records).hasSize(1);
  }

  /** Trace and span ids are found by whole id and by hex prefix, odd lengths too, in any store. */
  @Test
  void search_findsIdsWhole_andByHexPrefix_inSearchesAndTails() throws Exception {
    Collected tailed = new Collected();
    try (TailSubscription tail =
        reader()
            .tail(new TailRequest(Signal.TRACES, "trace_id:4bf9f* OR span_id:00f067aa*"), tailed)) {
      Span withParent =
          Otlp.span(
                  "4bf92f3577b34da6a3ce929d0e0e4736",
                  "00f067aa0ba902b7",
                  "child",
                  T0 + 1,
                  10,
                  Span.SpanKind.SPAN_KIND_SERVER,
                  false)
              .toBuilder()
              .setParentSpanId(Otlp.id("53995c3f42cd8ad8"))
              .build();
      write(
          Otlp.traces(
              "checkout",
              withParent,
              Otlp.span(
                  "4bf9ff00000000000000000000000001",
                  "0000000000000002",
                  "b",
                  T0 + 2,
                  10,
                  Span.SpanKind.SPAN_KIND_SERVER,
                  false),
              Otlp.span(
                  "4bfa0000000000000000000000000002",
                  "0000000000000003",
                  "c",
                  T0 + 3,
                  10,
                  Span.SpanKind.SPAN_KIND_SERVER,
                  false),
              Otlp.span(
                  "ffffffffffffffffffffffffffffffff",
                  "ffffffffffffffff",
                  "d",
                  T0 + 4,
                  10,
                  Span.SpanKind.SPAN_KIND_SERVER,
                  false)));
      awaitHits(Signal.TRACES, "*", 4);
      Map<String, Long> expected = new java.util.LinkedHashMap<>();
      expected.put("trace_id:4bf92f3577b34da6a3ce929d0e0e4736", 1L);
      expected.put("trace_id:\"4bf92f3577b34da6a3ce929d0e0e4736\"", 1L);
      expected.put("trace_id:4bf9*", 2L);
      expected.put("trace_id:4bf*", 3L);
      expected.put("trace_id:4bf9f*", 1L);
      expected.put("trace_id:f*", 1L);
      expected.put("trace_id:fffffffffffffffffffffffffffffff*", 1L);
      expected.put("span_id:00f067aa0ba902b7", 1L);
      expected.put("span_id:ffffffffffffffff OR span_id:0000000000000002", 2L);
      expected.put("parent_span_id:53995c3f42cd8ad8", 1L);
      expected.put("trace_id:4bf9* AND NOT span_id:00f067aa0ba902b7", 1L);
      expected.put("trace_id:nothex", 0L);
      expected.put("trace_id:4bf92f3577b34da6a3ce929d0e0e473", 0L);
      for (Map.Entry<String, Long> query : expected.entrySet()) {
        assertThat(search(Signal.TRACES, query.getKey(), T0, T0 + DAY, 10).total())
            .as(query.getKey())
            .isEqualTo(query.getValue());
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> tailed.records.size() >= 2);
      assertThat(tailed.records)
          .extracting(record -> ((StoredSpan) record).span().getName())
          .containsExactlyInAnyOrder("child", "b");
    }
  }

  @Test
  void liveTail_refusesAQueryThatDoesNotParse() {
    assertThatThrownBy(
            () -> reader().tail(new TailRequest(Signal.LOGS, "body:(unclosed"), new Collected()))
        .isInstanceOf(InvalidQueryException.class);
  }

  @Test
  void logRecords_getTheirPattern_andPatternIdFindsEveryRecordOfItAfterMerges() throws Exception {
    List<LogRecord> records = new ArrayList<>();
    int n = 0;
    for (String user : List.of("admin", "oracle", "test", "guest", "root")) {
      records.add(
          Otlp.log(
              T0 + ++n,
              SeverityNumber.SEVERITY_NUMBER_WARN,
              "Invalid user " + user + " from 10.0.0." + n));
    }
    write(Otlp.logs("sshd", records.toArray(LogRecord[]::new)));
    write(
        Otlp.logs(
            "sshd",
            Otlp.log(T0 + 10, SeverityNumber.SEVERITY_NUMBER_INFO, "Accepted publickey for git")));
    SearchResult invalid = awaitHits(Signal.LOGS, "body:invalid", 5);
    Set<String> patternIds = new HashSet<>();
    for (StoredRecord record : invalid.records()) {
      LogPattern pattern = ((StoredLog) record).pattern();
      assertThat(pattern.template()).isEqualTo("Invalid user <*> from <*>");
      assertThat(pattern.service()).isEqualTo("sshd");
      patternIds.add(pattern.id());
    }
    assertThat(patternIds).hasSize(1);
    String id = patternIds.iterator().next();
    LogPattern pattern = reader().pattern(id).orElseThrow();
    assertThat(pattern.ids()).hasSizeGreaterThan(1).contains(id);
    // Records indexed under each id the pattern took over are found by its id, and only they.
    assertThat(awaitHits(Signal.LOGS, "pattern.id:" + id, 5).records())
        .allSatisfy(
            r -> assertThat(onlyLog(r).getBody().getStringValue()).startsWith("Invalid user"));
    for (String part : pattern.ids()) {
      assertThat(reader().pattern(part).orElseThrow().id()).isEqualTo(id);
    }
    assertThat(
            search(
                    Signal.LOGS,
                    "NOT pattern.id:" + id + " AND service.name:sshd",
                    Long.MIN_VALUE,
                    Long.MAX_VALUE,
                    10)
                .total())
        .isEqualTo(1);
    assertThat(reader().pattern("0000000000000000")).isEmpty();

    // A live tail on one of the ids the pattern took over gets the pattern's new records too.
    String merged = pattern.ids().stream().filter(i -> !i.equals(id)).findFirst().orElseThrow();
    Collected tailed = new Collected();
    try (TailSubscription tail =
        reader().tail(new TailRequest(Signal.LOGS, "pattern.id:" + merged), tailed)) {
      write(
          Otlp.logs(
              "sshd",
              Otlp.log(
                  T0 + 20, SeverityNumber.SEVERITY_NUMBER_WARN, "Invalid user zed from 10.0.0.20"),
              Otlp.log(
                  T0 + 21,
                  SeverityNumber.SEVERITY_NUMBER_WARN,
                  "Invalid user admin from 10.0.0.1")));
      await().atMost(Duration.ofSeconds(5)).until(() -> tailed.records.size() == 2);
      assertThat(tailed.records)
          .allSatisfy(r -> assertThat(((StoredLog) r).pattern().id()).isEqualTo(id));
    }
  }

  @Test
  void aQueryOfExclusionsOnly_matchesEverythingElse_asInElasticsearch() {
    write(
        Otlp.logs(
            "svc",
            Otlp.log(T0 + 1, SeverityNumber.SEVERITY_NUMBER_INFO, "fine"),
            Otlp.log(T0 + 2, SeverityNumber.SEVERITY_NUMBER_ERROR, "broken"),
            Otlp.log(T0 + 3, SeverityNumber.SEVERITY_NUMBER_WARN, "odd")));
    awaitHits(Signal.LOGS, "*", 3);
    assertThat(
            search(Signal.LOGS, "NOT severity_text:INFO", Long.MIN_VALUE, Long.MAX_VALUE, 10)
                .total())
        .isEqualTo(2);
    assertThat(
            search(
                    Signal.LOGS,
                    "-severity_text:INFO -severity_text:WARN",
                    Long.MIN_VALUE,
                    Long.MAX_VALUE,
                    10)
                .total())
        .isEqualTo(1);
    assertThat(
            search(
                    Signal.LOGS,
                    "body:odd OR (NOT severity_text:INFO)",
                    Long.MIN_VALUE,
                    Long.MAX_VALUE,
                    10)
                .total())
        .isEqualTo(2);
  }
}
