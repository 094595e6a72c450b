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
      return reader().search(new SearchRequest(signal, query, start, end, limit, after));
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

  private static LogRecord onlyLog(byte[] source) throws Exception {
    ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(source);
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

    assertThat(result.hits())
        .extracting(StoredRecord::timestampNanos)
        .containsExactly(T0 + 2, T0 + 1);
    assertThat(onlyLog(result.hits().get(0).source())).isEqualTo(second);
    ExportLogsServiceRequest stored =
        ExportLogsServiceRequest.parseFrom(result.hits().get(1).source());
    ExportLogsServiceRequest original = batch.request();
    assertThat(stored.getResourceLogs(0).getResource())
        .isEqualTo(original.getResourceLogs(0).getResource());
    assertThat(stored.getResourceLogs(0).getScopeLogs(0).getScope())
        .isEqualTo(original.getResourceLogs(0).getScopeLogs(0).getScope());
    assertThat(onlyLog(result.hits().get(1).source())).isEqualTo(first);
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
    assertThat(middle.hits())
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
      page.hits().forEach(hit -> seen.add(hit.timestampNanos()));
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

    List<StoredRecord> found = reader().trace(trace.toUpperCase(), T0 - DAY, T0 + DAY, 100);
    assertThat(found)
        .extracting(StoredRecord::signal)
        .containsExactlyInAnyOrder(Signal.TRACES, Signal.TRACES, Signal.LOGS);
    Span stored =
        ExportTraceServiceRequest.parseFrom(found.get(0).source())
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);
    assertThat(stored.getTraceId()).isEqualTo(Otlp.id(trace));
  }

  @Test
  void metricDataPoints_areOneRecordEach() throws Exception {
    write(Otlp.gauge("node", "system.cpu.utilization", T0, 0.25, 0.75, 0.5));
    SearchResult all = awaitHits(Signal.METRICS, "metric.name:system.cpu.utilization", 3);

    assertThat(search(Signal.METRICS, "value:>0.4", T0, T0 + DAY, 10).total()).isEqualTo(2);
    var metric =
        ExportMetricsServiceRequest.parseFrom(all.hits().getFirst().source())
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
        ExportMetricsServiceRequest.parseFrom(histograms.hits().getFirst().source())
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
            () ->
                reader()
                    .search(
                        new SearchRequest(
                            Signal.LOGS, "body:(unclosed", 0, 1, 10, Optional.empty())))
        .isInstanceOf(InvalidQueryException.class);
    assertThatThrownBy(
            () ->
                reader()
                    .search(new SearchRequest(Signal.LOGS, "*leading", 0, 1, 10, Optional.empty())))
        .isInstanceOf(InvalidQueryException.class);
  }
}
