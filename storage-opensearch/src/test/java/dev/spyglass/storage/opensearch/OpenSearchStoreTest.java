package dev.spyglass.storage.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.Otlp;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredSpan;
import dev.spyglass.storage.TraceRequest;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The write path and the first reads against one real OpenSearch node, shared by the class. */
class OpenSearchStoreTest {
  private static OpenSearchNode node;
  private static int prefixes;
  @TempDir Path dir;

  @BeforeAll
  static void startNode() throws Exception {
    node = OpenSearchNode.start();
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  private OpenSearchConfig config(Path path) {
    OpenSearchConfig defaults = OpenSearchConfig.defaults();
    String prefix = "t" + (++prefixes);
    return new OpenSearchConfig(
        new OpenSearchConfig.Http(node.url(), "", "", "", Duration.ofSeconds(30)),
        path.toString(),
        prefix + "-logs",
        prefix + "-traces",
        prefix + "-metrics",
        1,
        0,
        Duration.ofMillis(100),
        new OpenSearchConfig.Bulk(500, 8),
        defaults.maxUnshippedMib());
  }

  private static OpenSearchStore open(OpenSearchConfig config, MeterProvider meters)
      throws Exception {
    return OpenSearchStore.open(config, LoggerFactory.getLogger("test"), meters.get("test"));
  }

  private static long count(OpenSearchConfig config) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    http.send(
        HttpRequest.newBuilder(URI.create(node.url() + "/" + config.logsIndex() + "-*/_refresh"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.discarding());
    String body =
        http.send(
                HttpRequest.newBuilder(
                        URI.create(node.url() + "/" + config.logsIndex() + "-*/_count"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return Connection.JSON.readTree(body).path("count").asLong(-1);
  }

  @Test
  void acknowledgedLogs_areShipped_andSearchable_withTheSameQueryLanguage() throws Exception {
    OpenSearchConfig config = config(dir);
    try (OpenSearchStore store = open(config, MeterProvider.noop())) {
      List<LogRecord> records = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        records.add(
            Otlp.log(
                Otlp.T0 + i * 1_000_000_000L,
                i % 3 == 0
                    ? SeverityNumber.SEVERITY_NUMBER_ERROR
                    : SeverityNumber.SEVERITY_NUMBER_INFO,
                i % 3 == 0 ? "Connection reset by peer " + i : "payment ok " + i,
                Otlp.attribute("http.method", i % 2 == 0 ? "GET" : "POST"),
                Otlp.attribute("http.status", 200 + i)));
      }
      store.consume(Otlp.logs("checkout", records.toArray(LogRecord[]::new))).get();
      assertThat(store.awaitShipped(Duration.ofSeconds(30))).isTrue();
      assertThat(count(config)).isEqualTo(30); // count refreshes first: searchable from here

      SearchResult errors =
          search(
              store,
              "body:\"connection reset\" AND severity_number:>=17 AND attributes.http.method:GET",
              100);
      assertThat(errors.total()).isEqualTo(5); // i = 0, 6, 12, 18, 24
      assertThat(errors.records())
          .extracting(r -> ((StoredLog) r).log().getBody().getStringValue())
          .containsExactly(
              "Connection reset by peer 24",
              "Connection reset by peer 18",
              "Connection reset by peer 12",
              "Connection reset by peer 6",
              "Connection reset by peer 0");
      assertThat(search(store, "attributes.http.status:>=225", 100).total()).isEqualTo(5);
      assertThat(search(store, "NOT attributes.http.method:GET", 100).total()).isEqualTo(15);
      // The record comes back byte for byte, with its resource and scope.
      StoredLog first = (StoredLog) errors.records().getFirst();
      assertThat(first.origin().serviceName()).isEqualTo("checkout");
      assertThat(first.origin().scope().getName()).isEqualTo("io.test");

      // Pages by cursor, newest first, every record once.
      List<String> seen = new ArrayList<>();
      Optional<dev.spyglass.storage.Cursor> after = Optional.empty();
      do {
        SearchResult page =
            store
                .reader()
                .search(
                    new SearchRequest(
                        Signal.LOGS,
                        "",
                        Otlp.T0 - Otlp.DAY,
                        Otlp.T0 + Otlp.DAY,
                        7,
                        after,
                        false,
                        false,
                        true,
                        Deadline.NONE));
        page.records().forEach(r -> seen.add(((StoredLog) r).log().getBody().getStringValue()));
        after = page.next();
      } while (after.isPresent());
      assertThat(seen).hasSize(30).doesNotHaveDuplicates();
      assertThat(seen.getFirst()).endsWith(" 29");

      assertThat(
              store
                  .reader()
                  .services(Signal.LOGS, Otlp.T0 - Otlp.DAY, Otlp.T0 + Otlp.DAY, Deadline.NONE)
                  .value())
          .containsExactly("checkout");
    }
  }

  private static SearchResult search(OpenSearchStore store, String query, int limit)
      throws Exception {
    return store
        .reader()
        .search(
            SearchRequest.of(Signal.LOGS, query, Otlp.T0 - Otlp.DAY, Otlp.T0 + Otlp.DAY, limit));
  }

  @Test
  void aTrace_comesBackWhole_withItsLogs() throws Exception {
    String trace = "5b8efff798038103d269b633813fc60c";
    try (OpenSearchStore store = open(config(dir), MeterProvider.noop())) {
      store
          .consume(
              Otlp.traces(
                  "checkout",
                  Otlp.span(
                      trace,
                      "0000000000000001",
                      "POST /pay",
                      Otlp.T0,
                      5_000_000,
                      Span.SpanKind.SPAN_KIND_SERVER,
                      true),
                  Otlp.span(
                      trace,
                      "0000000000000002",
                      "SELECT",
                      Otlp.T0 + 1000,
                      1_000_000,
                      Span.SpanKind.SPAN_KIND_CLIENT,
                      false)))
          .get();
      LogRecord log =
          Otlp.log(Otlp.T0 + 2000, SeverityNumber.SEVERITY_NUMBER_ERROR, "declined").toBuilder()
              .setTraceId(Otlp.id(trace))
              .build();
      store.consume(Otlp.logs("checkout", log)).get();
      assertThat(store.awaitShipped(Duration.ofSeconds(30))).isTrue();
      // Confirmed by OpenSearch, and searchable within its refresh interval.
      var found =
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  () ->
                      store
                          .reader()
                          .trace(
                              new TraceRequest(
                                  trace,
                                  Otlp.T0 - Otlp.DAY,
                                  Otlp.T0 + Otlp.DAY,
                                  1000,
                                  true,
                                  Deadline.NONE)),
                  t -> t.spans().size() == 2 && t.logs().size() == 1);
      assertThat(found.spans())
          .extracting(s -> s.span().getName())
          .containsExactly("SELECT", "POST /pay"); // newest first
      assertThat(found.spans())
          .extracting(StoredSpan::durationNanos)
          .containsExactly(1_000_000L, 5_000_000L);
      assertThat(found.logs())
          .extracting(l -> l.log().getBody().getStringValue())
          .containsExactly("declined");
    }
  }

  @Test
  void aReplayAfterACrash_overwritesAndNeverDuplicates() throws Exception {
    OpenSearchConfig config = config(dir);
    try (OpenSearchStore store = open(config, MeterProvider.noop())) {
      for (int i = 0; i < 5; i++) {
        store
            .consume(
                Otlp.logs(
                    "cart", Otlp.log(Otlp.T0 + i, SeverityNumber.SEVERITY_NUMBER_INFO, "r" + i)))
            .get();
      }
      assertThat(store.awaitShipped(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(count(config)).isEqualTo(5);
    // As if the process died after OpenSearch confirmed but before the position was saved.
    Files.delete(dir.resolve("shipped"));
    try (OpenSearchStore store = open(config, MeterProvider.noop())) {
      assertThat(store.awaitShipped(Duration.ofSeconds(30))).isTrue();
      store
          .consume(
              Otlp.logs("cart", Otlp.log(Otlp.T0 + 10, SeverityNumber.SEVERITY_NUMBER_INFO, "r5")))
          .get();
      assertThat(store.awaitShipped(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(count(config)).isEqualTo(6);
  }

  @Test
  void aDocumentOpenSearchRefuses_isCountedAndSkipped_neverRetriedForever() throws Exception {
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(metrics).build();
    OpenSearchConfig config = config(dir);
    try (OpenSearchStore store = open(config, meters)) {
      // Past the index's field cap: 20 records of 128 new attribute names each.
      for (int r = 0; r < 20; r++) {
        KeyValue[] attributes = new KeyValue[128];
        for (int a = 0; a < 128; a++) {
          attributes[a] = Otlp.attribute("field" + r + "_" + a, "v");
        }
        store
            .consume(
                Otlp.logs(
                    "noisy",
                    Otlp.log(
                        Otlp.T0 + r, SeverityNumber.SEVERITY_NUMBER_INFO, "n" + r, attributes)))
            .get();
      }
      assertThat(store.awaitShipped(Duration.ofSeconds(60))).isTrue();
    }
    long rejected =
        metrics.collectAllMetrics().stream()
            .filter(m -> m.getName().equals("spyglass_opensearch_documents_rejected"))
            .flatMap(m -> m.getData().getPoints().stream())
            .mapToLong(p -> ((LongPointData) p).getValue())
            .sum();
    assertThat(rejected).isPositive();
    assertThat(count(config) + rejected).isEqualTo(20);
  }

  private static OpenSearchConfig with(
      OpenSearchConfig config,
      OpenSearchConfig.Retention retention,
      OpenSearchConfig.Limits limits) {
    return new OpenSearchConfig(
        config.http(),
        config.path(),
        config.logsIndex(),
        config.tracesIndex(),
        config.metricsIndex(),
        config.shards(),
        config.replicas(),
        config.refreshInterval(),
        config.bulk(),
        config.maxUnshippedMib(),
        retention,
        limits);
  }

  private static long counter(InMemoryMetricReader metrics, String name) {
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getData().getPoints().stream())
        .mapToLong(p -> ((LongPointData) p).getValue())
        .sum();
  }

  private static List<String> indices(String prefix) throws Exception {
    try (Connection connection =
        new Connection(new OpenSearchConfig.Http(node.url(), "", "", "", Duration.ofSeconds(30)))) {
      return connection.indices(prefix + "-*");
    }
  }

  @Test
  void retention_deletesWholeDaysPastMaxAge_andDoesNotShipRecordsAlreadyPastIt() throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    long day = 86_400_000_000_000L;
    OpenSearchConfig keepAll = config(dir);
    try (OpenSearchStore store = open(keepAll, MeterProvider.noop())) {
      store
          .consume(
              Otlp.logs(
                  "billing",
                  Otlp.log(now - 5 * day, SeverityNumber.SEVERITY_NUMBER_INFO, "five days ago"),
                  Otlp.log(now - 3_600_000_000_000L, SeverityNumber.SEVERITY_NUMBER_INFO, "recent"),
                  Otlp.log(now, SeverityNumber.SEVERITY_NUMBER_INFO, "now")))
          .get();
      assertThat(store.awaitShipped(Duration.ofSeconds(30))).isTrue();
    }
    String old = new IndexLayout(keepAll).index(Signal.LOGS, now - 5 * day);
    assertThat(indices(keepAll.logsIndex())).contains(old);
    assertThat(count(keepAll)).isEqualTo(3);

    // Restarted with a retention of two days: the day five days ago goes, the rest stays.
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(metrics).build();
    OpenSearchConfig twoDays =
        with(
            keepAll,
            new OpenSearchConfig.Retention(Duration.ofDays(2)),
            OpenSearchConfig.Limits.DEFAULT);
    try (OpenSearchStore store = open(twoDays, meters)) {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !indices(keepAll.logsIndex()).contains(old));
      assertThat(count(keepAll)).isEqualTo(2);
      assertThat(counter(metrics, "spyglass_opensearch_indices_deleted")).isEqualTo(1);

      // A late record from four days ago is acknowledged but not shipped: it would bring a
      // deleted day back.
      store
          .consume(
              Otlp.logs(
                  "billing",
                  Otlp.log(now - 4 * day, SeverityNumber.SEVERITY_NUMBER_INFO, "late"),
                  Otlp.log(now, SeverityNumber.SEVERITY_NUMBER_INFO, "on time")))
          .get();
      assertThat(store.awaitShipped(Duration.ofSeconds(30))).isTrue();
      assertThat(count(keepAll)).isEqualTo(3);
      assertThat(counter(metrics, "spyglass_opensearch_documents_expired")).isEqualTo(1);
      assertThat(indices(keepAll.logsIndex()))
          .doesNotContain(new IndexLayout(keepAll).index(Signal.LOGS, now - 4 * day));
    }
  }

  @Test
  void limits_leaveAttributesPastTheCapUnindexed_butStored() throws Exception {
    OpenSearchConfig config =
        with(config(dir), OpenSearchConfig.Retention.KEEP, new OpenSearchConfig.Limits(2, 4096));
    try (OpenSearchStore store = open(config, MeterProvider.noop())) {
      store
          .consume(
              Otlp.logs(
                  "cart",
                  Otlp.log(
                      Otlp.T0,
                      SeverityNumber.SEVERITY_NUMBER_INFO,
                      "added",
                      Otlp.attribute("a", "one"),
                      Otlp.attribute("b", "two"),
                      Otlp.attribute("c", "three"))))
          .get();
      assertThat(store.awaitShipped(Duration.ofSeconds(30))).isTrue();
      assertThat(count(config)).isEqualTo(1);
      assertThat(search(store, "attributes.a:one", 10).total()).isEqualTo(1);
      assertThat(search(store, "attributes.c:three", 10).total()).isZero();
      SearchResult all = search(store, "body:added", 10);
      assertThat(((StoredLog) all.records().getFirst()).log().getAttributesList())
          .extracting(KeyValue::getKey)
          .containsExactly("a", "b", "c");
    }
  }

  @Test
  void concurrentBulkWorkers_shipEveryRecordOnce_andMoveThePositionOnlyPastConfirmedBatches()
      throws Exception {
    OpenSearchConfig base = config(dir);
    OpenSearchConfig config =
        new OpenSearchConfig(
            base.http(),
            base.path(),
            base.logsIndex(),
            base.tracesIndex(),
            base.metricsIndex(),
            1,
            0,
            base.refreshInterval(),
            new OpenSearchConfig.Bulk(100, 8, 4),
            base.maxUnshippedMib());
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(metrics).build();
    try (OpenSearchStore store = open(config, meters)) {
      List<java.util.concurrent.CompletableFuture<Void>> acks = new ArrayList<>();
      for (int r = 0; r < 50; r++) {
        LogRecord[] records = new LogRecord[100];
        for (int i = 0; i < records.length; i++) {
          records[i] =
              Otlp.log(
                  Otlp.T0 + r * 1000L + i, SeverityNumber.SEVERITY_NUMBER_INFO, "r" + r + " i" + i);
        }
        acks.add(store.consume(Otlp.logs("orders", records)));
      }
      for (var ack : acks) {
        ack.get();
      }
      assertThat(store.awaitShipped(Duration.ofSeconds(60))).isTrue();
    }
    assertThat(count(config)).isEqualTo(5000);
    assertThat(counter(metrics, "spyglass_opensearch_documents_shipped")).isEqualTo(5000);
    // Reopened: the position says everything was confirmed, so nothing is shipped again.
    InMemoryMetricReader again = InMemoryMetricReader.create();
    try (OpenSearchStore store =
        open(config, SdkMeterProvider.builder().registerMetricReader(again).build())) {
      assertThat(store.awaitShipped(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(counter(again, "spyglass_opensearch_documents_shipped")).isZero();
    assertThat(count(config)).isEqualTo(5000);
  }
}
