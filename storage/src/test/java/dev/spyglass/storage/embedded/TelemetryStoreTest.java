package dev.spyglass.storage.embedded;

import static dev.spyglass.storage.Otlp.DAY;
import static dev.spyglass.storage.Otlp.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.Cursor;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.InvalidQueryException;
import dev.spyglass.storage.Otlp;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.patterns.PatternState;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Durability, recovery, retention and backpressure of the embedded store, on a real disk. */
class TelemetryStoreTest {
  @TempDir Path dir;
  private final AtomicLong clock = new AtomicLong(T0 + 10 * DAY);

  private TelemetryStore open(StoreConfig config) throws IOException {
    return TelemetryStore.open(
        config, LoggerFactory.getLogger("store"), MeterProvider.noop().get("t"), clock::get);
  }

  private TelemetryStore open() throws IOException {
    return open(LuceneStoreContractTest.config(dir));
  }

  private static StoreConfig withRetention(StoreConfig config, StoreConfig.Retention retention) {
    return new StoreConfig(
        config.path(),
        config.durability(),
        config.refreshInterval(),
        config.commitInterval(),
        config.partitionDuration(),
        config.walSegmentSize(),
        retention,
        config.limits(),
        config.backpressure(),
        StoreConfig.Query.DEFAULT,
        StoreConfig.Patterns.DEFAULT);
  }

  /** Every log body in the store, with how many times it appears. */
  static Map<String, Integer> bodies(TelemetryStore store) throws Exception {
    Map<String, Integer> bodies = new HashMap<>();
    Optional<Cursor> cursor = Optional.empty();
    do {
      SearchResult page =
          store
              .reader()
              .search(
                  SearchRequest.of(Signal.LOGS, "*", Long.MIN_VALUE, Long.MAX_VALUE, 1000)
                      .withAfter(cursor));
      for (StoredRecord hit : page.records()) {
        String body =
            ((ExportLogsServiceRequest) hit.toRequest())
                .getResourceLogs(0)
                .getScopeLogs(0)
                .getLogRecords(0)
                .getBody()
                .getStringValue();
        bodies.merge(body, 1, Integer::sum);
      }
      cursor = page.next();
    } while (cursor.isPresent());
    return bodies;
  }

  private static void awaitCount(TelemetryStore store, int count) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> bodies(store).values().stream().mapToInt(i -> i).sum() == count);
  }

  @Test
  void acknowledgedRecords_surviveARestart() throws Exception {
    try (TelemetryStore store = open()) {
      store
          .write(
              Otlp.logs("svc", Otlp.log(T0, SeverityNumber.SEVERITY_NUMBER_INFO, "before restart")))
          .join();
    }
    try (TelemetryStore store = open()) {
      assertThat(bodies(store)).containsExactly(Map.entry("before restart", 1));
    }
  }

  @Test
  void acknowledgedRecords_surviveACrash_exactlyOnce() throws Exception {
    TelemetryStore store = open();
    store
        .write(Otlp.logs("svc", Otlp.log(T0, SeverityNumber.SEVERITY_NUMBER_INFO, "committed")))
        .join();
    store.checkpointNow();
    store
        .write(
            Otlp.logs(
                "svc", Otlp.log(T0 + 1, SeverityNumber.SEVERITY_NUMBER_INFO, "only in the WAL")))
        .join();
    store.crash();

    try (TelemetryStore reopened = open()) {
      assertThat(bodies(reopened))
          .containsOnly(Map.entry("committed", 1), Map.entry("only in the WAL", 1));
    }
  }

  /**
   * Seeded random crash points: random batches across days, random checkpoints, a crash with writes
   * in flight; after each reopen every acknowledged record is there exactly once and every index
   * passes CheckIndex. The seed is printed on failure; rerun with -Dtests.seed=N.
   */
  @Test
  void randomCrashes_loseNothingAcknowledged_andDuplicateNothing() throws Exception {
    long seed = Long.getLong("tests.seed", System.nanoTime());
    Random random = new Random(seed);
    Map<String, Integer> acknowledged = new HashMap<>();
    int serial = 0;
    for (int round = 0; round < 6; round++) {
      TelemetryStore store = open();
      String context = "seed " + seed + " round " + round;
      assertThat(bodies(store)).as(context).isEqualTo(acknowledged);
      List<CompletableFuture<Void>> inFlight = new ArrayList<>();
      List<String> inFlightBodies = new ArrayList<>();
      int batches = 1 + random.nextInt(30);
      for (int b = 0; b < batches; b++) {
        List<LogRecord> records = new ArrayList<>();
        for (int r = random.nextInt(20); r >= 0; r--) {
          records.add(
              Otlp.log(
                  T0 + random.nextInt(3) * DAY + random.nextInt(1_000_000),
                  SeverityNumber.SEVERITY_NUMBER_INFO,
                  "record " + serial++));
        }
        CompletableFuture<Void> ack =
            store.write(Otlp.logs("svc", records.toArray(LogRecord[]::new)));
        boolean wait = random.nextInt(4) != 0;
        if (wait) {
          ack.join();
          records.forEach(r -> acknowledged.merge(r.getBody().getStringValue(), 1, Integer::sum));
        } else {
          inFlight.add(ack);
          inFlightBodies.add(
              records.stream()
                  .map(r -> r.getBody().getStringValue())
                  .reduce("", (x, y) -> x + "\n" + y));
        }
        if (random.nextInt(8) == 0) {
          store.checkpointNow();
        }
      }
      store.crash();
      // Requests answered before the crash count as acknowledged; the rest may or may not survive.
      List<String> maybe = new ArrayList<>();
      for (int i = 0; i < inFlight.size(); i++) {
        if (inFlight.get(i).isDone() && !inFlight.get(i).isCompletedExceptionally()) {
          for (String body : inFlightBodies.get(i).strip().split("\n")) {
            acknowledged.merge(body, 1, Integer::sum);
          }
        } else {
          maybe.addAll(List.of(inFlightBodies.get(i).strip().split("\n")));
        }
      }
      try (TelemetryStore reopened = open()) {
        Map<String, Integer> found = bodies(reopened);
        for (String body : maybe) {
          Integer count = found.get(body);
          if (count != null) {
            assertThat(count).as("%s: %s at most once", context, body).isEqualTo(1);
            acknowledged.put(body, 1);
          }
        }
        assertThat(found).as(context).isEqualTo(acknowledged);
      }
      assertIndexesClean(context);
    }
  }

  private void assertIndexesClean(String context) throws IOException {
    try (Stream<Path> partitions = Files.list(dir.resolve("logs"))) {
      for (Path partition : partitions.toList()) {
        try (FSDirectory directory = FSDirectory.open(partition);
            CheckIndex check = new CheckIndex(directory)) {
          assertThat(check.checkIndex().clean).as("%s: CheckIndex %s", context, partition).isTrue();
        }
      }
    }
  }

  @Test
  void retentionByAge_deletesWholeOldPartitions_andRefusesToIndexExpiredLateData()
      throws Exception {
    StoreConfig config =
        withRetention(
            LuceneStoreContractTest.config(dir), new StoreConfig.Retention(Duration.ofDays(3), 0));
    clock.set(T0 + 5 * DAY + DAY / 2);
    try (TelemetryStore store = open(config)) {
      for (int day = 0; day < 6; day++) {
        store
            .write(
                Otlp.logs(
                    "svc",
                    Otlp.log(T0 + day * DAY, SeverityNumber.SEVERITY_NUMBER_INFO, "day " + day)))
            .join();
      }
      store.checkpointNow();
      awaitCount(store, 4); // days 0 and 1 had expired on arrival: never indexed
      clock.set(T0 + 6 * DAY + DAY / 2); // now day 2 is past retention.max_age
      store.checkpointNow();
      awaitCount(store, 3);
      assertThat(bodies(store).keySet()).containsExactlyInAnyOrder("day 3", "day 4", "day 5");
      try (Stream<Path> partitions = Files.list(dir.resolve("logs"))) {
        assertThat(partitions).hasSize(3);
      }

      store
          .write(Otlp.logs("svc", Otlp.log(T0, SeverityNumber.SEVERITY_NUMBER_INFO, "late")))
          .join();
      store.checkpointNow();
      assertThat(bodies(store)).doesNotContainKey("late");
    }
  }

  @Test
  void retentionBySize_deletesTheOldestPartitionsFirst() throws Exception {
    StoreConfig config =
        withRetention(
            LuceneStoreContractTest.config(dir), new StoreConfig.Retention(Duration.ZERO, 1));
    try (TelemetryStore store = open(config)) {
      for (int day = 0; day < 4; day++) {
        store
            .write(
                Otlp.logs(
                    "svc",
                    Otlp.log(T0 + day * DAY, SeverityNumber.SEVERITY_NUMBER_INFO, "day " + day)))
            .join();
      }
      clock.set(T0 + 3 * DAY + 1);
      store.checkpointNow();
      awaitCount(store, 1);
      assertThat(bodies(store).keySet()).containsExactly("day 3");
    }
  }

  @Test
  void indexerFarBehind_refusesWrites_asRetryable_andResumesByItself() throws Exception {
    StoreConfig base = LuceneStoreContractTest.config(dir);
    StoreConfig config =
        new StoreConfig(
            base.path(),
            base.durability(),
            base.refreshInterval(),
            base.commitInterval(),
            base.partitionDuration(),
            base.walSegmentSize(),
            base.retention(),
            base.limits(),
            new StoreConfig.Backpressure(1 << 20, 0),
            StoreConfig.Query.DEFAULT,
            StoreConfig.Patterns.DEFAULT);
    String big = "y".repeat(200_000);
    try (TelemetryStore store = open(config)) {
      store.pauseIndexing(true);
      int accepted = 0;
      CompletableFuture<Void> refused = null;
      for (int i = 0; i < 20 && refused == null; i++) {
        CompletableFuture<Void> write =
            store.write(
                Otlp.logs("svc", Otlp.log(T0 + i, SeverityNumber.SEVERITY_NUMBER_INFO, i + big)));
        if (write.isCompletedExceptionally()) {
          refused = write;
        } else {
          write.join();
          accepted++;
        }
      }
      assertThat(accepted).isBetween(5, 7);
      assertThat(refused)
          .failsWithin(Duration.ofSeconds(1))
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(RetryableException.class)
          .withMessageContaining("behind the write-ahead log");

      store.pauseIndexing(false);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                CompletableFuture<Void> retry =
                    store.write(
                        Otlp.logs(
                            "svc",
                            Otlp.log(T0 + 99, SeverityNumber.SEVERITY_NUMBER_INFO, "after")));
                return !retry.isCompletedExceptionally()
                    && retry.handle((v, e) -> e == null).join();
              });
      awaitCount(store, accepted + 1);
    }
  }

  @Test
  void attributeCaps_keepExcessOutOfTheIndex_butInTheStoredRecord() throws Exception {
    LogRecord.Builder record =
        Otlp.log(T0, SeverityNumber.SEVERITY_NUMBER_INFO, "many attributes").toBuilder();
    for (int i = 0; i < 200; i++) {
      record.addAttributes(Otlp.attribute("a" + i, "v" + i));
    }
    record.addAttributes(Otlp.attribute("long", "z".repeat(5000)));
    try (TelemetryStore store = open()) {
      store.write(Otlp.logs("svc", record.build())).join();
      awaitCount(store, 1);
      assertThat(count(store, "attributes.a5:v5")).isEqualTo(1);
      assertThat(count(store, "attributes.a127:v127")).isEqualTo(1);
      assertThat(count(store, "attributes.a150:v150")).isZero();
      SearchResult all =
          store
              .reader()
              .search(SearchRequest.of(Signal.LOGS, "*", Long.MIN_VALUE, Long.MAX_VALUE, 1));
      LogRecord stored =
          ((ExportLogsServiceRequest) all.hits().getFirst().record().toRequest())
              .getResourceLogs(0)
              .getScopeLogs(0)
              .getLogRecords(0);
      assertThat(stored).isEqualTo(record.build());
    }
  }

  private static long count(TelemetryStore store, String query) throws IOException {
    return store
        .reader()
        .search(SearchRequest.of(Signal.LOGS, query, Long.MIN_VALUE, Long.MAX_VALUE, 1))
        .total();
  }

  @Test
  void leadingWildcards_areRefused_unlessEnabled() throws Exception {
    StoreConfig base = LuceneStoreContractTest.config(dir);
    try (TelemetryStore store = open(base)) {
      store
          .write(
              Otlp.logs(
                  "svc", Otlp.log(T0, SeverityNumber.SEVERITY_NUMBER_INFO, "connection reset")))
          .join();
      awaitCount(store, 1);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> count(store, "body:*eset"))
          .isInstanceOf(InvalidQueryException.class);
    }
    StoreConfig enabled =
        new StoreConfig(
            base.path(),
            base.durability(),
            base.refreshInterval(),
            base.commitInterval(),
            base.partitionDuration(),
            base.walSegmentSize(),
            base.retention(),
            base.limits(),
            base.backpressure(),
            new StoreConfig.Query(true),
            StoreConfig.Patterns.DEFAULT);
    try (TelemetryStore store = open(enabled)) {
      assertThat(count(store, "body:*eset")).isEqualTo(1);
      assertThat(count(store, "body:/.*eset/")).isEqualTo(1);
    }
  }

  @Test
  void searchPastItsTimeout_returnsPartialResults_flagged() throws Exception {
    try (TelemetryStore store = open()) {
      for (int day = 0; day < 3; day++) {
        store
            .write(
                Otlp.logs(
                    "svc",
                    Otlp.log(T0 + day * DAY, SeverityNumber.SEVERITY_NUMBER_INFO, "day " + day)))
            .join();
      }
      awaitCount(store, 3);
      SearchResult result =
          store
              .reader()
              .search(
                  SearchRequest.of(Signal.LOGS, "*", Long.MIN_VALUE, Long.MAX_VALUE, 10)
                      .withDeadline(Deadline.after(Duration.ofNanos(1))));
      assertThat(result.partial()).isTrue();
      assertThat(result.hits().size()).isLessThan(3);
      SearchResult complete =
          store
              .reader()
              .search(
                  SearchRequest.of(Signal.LOGS, "*", Long.MIN_VALUE, Long.MAX_VALUE, 10)
                      .withDeadline(Deadline.after(Duration.ofSeconds(10))));
      assertThat(complete.partial()).isFalse();
      assertThat(complete.hits()).hasSize(3);
    }
  }

  @Test
  void lowDisk_refusesWrites_asRetryable() throws Exception {
    StoreConfig base = LuceneStoreContractTest.config(dir);
    StoreConfig config =
        new StoreConfig(
            base.path(),
            base.durability(),
            base.refreshInterval(),
            base.commitInterval(),
            base.partitionDuration(),
            base.walSegmentSize(),
            base.retention(),
            base.limits(),
            new StoreConfig.Backpressure(64L << 20, Long.MAX_VALUE),
            StoreConfig.Query.DEFAULT,
            StoreConfig.Patterns.DEFAULT);
    try (TelemetryStore store = open(config)) {
      await().until(() -> !store.health().ready());
      assertThat(
              store.write(Otlp.logs("svc", Otlp.log(T0, SeverityNumber.SEVERITY_NUMBER_INFO, "x"))))
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(RetryableException.class)
          .withMessageContaining("min_free_disk");
    }
  }

  @Test
  void corruptWalSegment_isQuarantined_andShownInHealth_whileTheRestReplays() throws Exception {
    TelemetryStore store = open();
    String big = "x".repeat(50_000);
    for (int i = 0; i < 40; i++) {
      store
          .write(Otlp.logs("svc", Otlp.log(T0 + i, SeverityNumber.SEVERITY_NUMBER_INFO, i + big)))
          .join();
    }
    store.crash();
    Path first;
    try (Stream<Path> segments = Files.list(dir.resolve("wal"))) {
      List<Path> all = segments.filter(p -> p.toString().endsWith(".wal")).sorted().toList();
      assertThat(all).hasSizeGreaterThan(1);
      first = all.getFirst();
    }
    try (RandomAccessFile file = new RandomAccessFile(first.toFile(), "rw")) {
      file.seek(file.length() / 2);
      file.write(0x42 ^ file.read());
    }

    try (TelemetryStore reopened = open()) {
      assertThat(reopened.health().ready()).isTrue();
      assertThat(reopened.health().reason())
          .contains("quarantine")
          .contains(first.getFileName().toString());
      int found = bodies(reopened).size();
      assertThat(found).isBetween(20, 39);
    }
  }

  /** Each log body in the store with the pattern it is part of now: id and template. */
  private static Map<String, List<String>> patterns(TelemetryStore store) throws Exception {
    Map<String, List<String>> patterns = new java.util.TreeMap<>();
    SearchResult page =
        store
            .reader()
            .search(SearchRequest.of(Signal.LOGS, "*", Long.MIN_VALUE, Long.MAX_VALUE, 1000));
    for (StoredRecord hit : page.records()) {
      var log = (dev.spyglass.storage.StoredLog) hit;
      patterns.put(
          log.log().getBody().getStringValue(),
          List.of(log.pattern().id(), log.pattern().template()));
    }
    return patterns;
  }

  private static ExportLogsServiceRequest.Builder users(String... users) {
    List<LogRecord> records = new ArrayList<>();
    for (String user : users) {
      records.add(
          Otlp.log(
              T0 + records.size() + 1,
              SeverityNumber.SEVERITY_NUMBER_WARN,
              "Invalid user " + user + " from 10.0.0.9"));
    }
    return Otlp.logs("sshd", records.toArray(LogRecord[]::new)).request().toBuilder();
  }

  @Test
  void logPatterns_surviveARestart_andACrash_asTheyWere() throws Exception {
    Map<String, List<String>> before;
    try (TelemetryStore store = open()) {
      store
          .write(
              Otlp.logs(
                  "sshd",
                  users("admin", "oracle")
                      .build()
                      .getResourceLogs(0)
                      .getScopeLogs(0)
                      .getLogRecordsList()
                      .toArray(LogRecord[]::new)))
          .join();
      store.checkpointNow();
      // After the checkpoint, only in the WAL: these make the place a variable and merge.
      store
          .write(
              Otlp.logs(
                  "sshd",
                  users("test", "guest")
                      .build()
                      .getResourceLogs(0)
                      .getScopeLogs(0)
                      .getLogRecordsList()
                      .toArray(LogRecord[]::new)))
          .join();
      awaitCount(store, 4);
      before = patterns(store);
      assertThat(before.values())
          .extracting(p -> p.get(1))
          .containsOnly("Invalid user <*> from <*>");
      assertThat(before.values().stream().map(p -> p.get(0)).distinct()).hasSize(1);
      store.crash();
    }
    try (TelemetryStore reopened = open()) {
      awaitCount(reopened, 4);
      assertThat(patterns(reopened)).isEqualTo(before);
      String id = before.values().iterator().next().get(0);
      assertThat(reopened.reader().pattern(id).orElseThrow().ids()).hasSize(4);
    }
    try (TelemetryStore restarted = open()) {
      assertThat(patterns(restarted)).isEqualTo(before);
      restarted
          .write(
              Otlp.logs(
                  "sshd",
                  Otlp.log(
                      T0 + 9,
                      SeverityNumber.SEVERITY_NUMBER_WARN,
                      "Invalid user root from 10.0.0.7")))
          .join();
      awaitCount(restarted, 5);
      assertThat(patterns(restarted).get("Invalid user root from 10.0.0.7"))
          .isEqualTo(before.values().iterator().next());
    }
    assertThat(dir.resolve(PatternState.FILE)).exists();
  }

  @Test
  void anUnreadablePatternsFile_isSetAside_andMiningStartsAgain() throws Exception {
    try (TelemetryStore store = open()) {
      store
          .write(Otlp.logs("svc", Otlp.log(T0 + 1, SeverityNumber.SEVERITY_NUMBER_INFO, "hello 1")))
          .join();
    }
    Files.writeString(dir.resolve(PatternState.FILE), "garbage");
    try (TelemetryStore store = open()) {
      store
          .write(Otlp.logs("svc", Otlp.log(T0 + 2, SeverityNumber.SEVERITY_NUMBER_INFO, "hello 2")))
          .join();
      awaitCount(store, 2);
      assertThat(patterns(store).get("hello 2").get(1)).isEqualTo("hello <*>");
    }
    assertThat(dir.resolve(PatternState.FILE + ".unreadable")).exists();
  }
}
