package dev.spyglass.storage.embedded;

import static dev.spyglass.storage.Otlp.DAY;
import static dev.spyglass.storage.Otlp.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.Measure;
import dev.spyglass.storage.Otlp;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Counting aggregations over every record of a range (dashboards' histograms and top-N) read the
 * time-sorted segments as runs of documents and take whole segments' counts from the terms index:
 * the counts must be exactly those of the records written, at any range and interval, over many
 * segments, two partitions and records without the grouped field.
 */
class TimeOrderedCountsTest {
  private static final long HOUR = 3_600_000_000_000L;
  private static final SeverityNumber[] SEVERITIES = {
    SeverityNumber.SEVERITY_NUMBER_INFO,
    SeverityNumber.SEVERITY_NUMBER_WARN,
    SeverityNumber.SEVERITY_NUMBER_ERROR,
    SeverityNumber.SEVERITY_NUMBER_UNSPECIFIED // no severity text
  };

  @TempDir Path dir;

  private record Written(long time, String service, String severity) {}

  @Test
  void countsByServiceAndSeverity_inAnyRangeAndInterval_areThoseOfTheRecordsWritten()
      throws Exception {
    countsAreThoseWritten(40, 6, 200);
  }

  /** Past 512 values a field's runs are counted from doc values, not postings. */
  @Test
  void countsByAServiceOfMany_areThoseOfTheRecordsWritten() throws Exception {
    countsAreThoseWritten(700, 100_000, 8);
  }

  private void countsAreThoseWritten(int batches, int services, int maxRecords) throws Exception {
    Random random = new Random(21);
    List<Written> written = new ArrayList<>();
    try (TelemetryStore store =
        TelemetryStore.open(
            LuceneStoreContractTest.config(dir),
            LoggerFactory.getLogger("store"),
            MeterProvider.noop().get("t"))) {
      long time = T0 + DAY - 2 * HOUR; // across midnight: two partitions
      long spread = 40L * 100 * 10_000_000_000L / ((long) batches * maxRecords); // ~11 h in all
      for (int batch = 0; batch < batches; batch++) {
        String service = "svc-" + random.nextInt(services);
        List<LogRecord> records = new ArrayList<>();
        for (int r = 0, n = 1 + random.nextInt(maxRecords); r < n; r++) {
          time += random.nextInt(4) == 0 ? 0 : (long) (random.nextDouble() * 2 * spread);
          SeverityNumber severity = SEVERITIES[random.nextInt(SEVERITIES.length)];
          LogRecord record = Otlp.log(time, severity, "record " + written.size());
          boolean unnamed = severity == SeverityNumber.SEVERITY_NUMBER_UNSPECIFIED;
          records.add(unnamed ? record.toBuilder().clearSeverityText().build() : record);
          written.add(new Written(time, service, unnamed ? "" : record.getSeverityText()));
        }
        store.write(Otlp.logs(service, records.toArray(LogRecord[]::new))).get();
        if (random.nextInt(4 * batches / 40) == 0) {
          store.checkpointNow(); // more segments, then merges
        }
      }
      long first = written.getFirst().time();
      long last = written.getLast().time();
      assertThat(last).as("past midnight").isGreaterThan(T0 + DAY);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> total(store, first, last) == written.size());

      List<long[]> ranges = new ArrayList<>();
      ranges.add(new long[] {Long.MIN_VALUE, Long.MAX_VALUE});
      ranges.add(new long[] {first, last});
      ranges.add(new long[] {T0 + DAY, last}); // from midnight
      for (int i = 0; i < 12; i++) {
        long a = first + (long) (random.nextDouble() * (last - first));
        long b = first + (long) (random.nextDouble() * (last - first));
        ranges.add(new long[] {Math.min(a, b), Math.max(a, b)});
      }
      ranges.add(new long[] {written.get(100).time(), written.get(100).time()}); // one instant
      for (long[] range : ranges) {
        for (String field : new String[] {null, "service.name", "severity_text"}) {
          for (long interval : new long[] {0, HOUR, 7 * 60_000_000_000L}) {
            assertCounts(store, written, range[0], range[1], field, interval);
          }
        }
      }
    }
  }

  private static long total(TelemetryStore store, long start, long end) throws Exception {
    return store.reader().aggregate(request("*", start, end, List.of(), 0)).total();
  }

  private static AggregationRequest request(
      String query, long start, long end, List<String> groupBy, long interval) {
    return new AggregationRequest(
        Signal.LOGS,
        query,
        start,
        end,
        groupBy,
        interval,
        List.of(Measure.of(Measure.Function.COUNT)),
        DocValuesAggregation.MAX_GROUPS,
        Deadline.NONE);
  }

  private static void assertCounts(
      TelemetryStore store,
      List<Written> written,
      long start,
      long end,
      String field,
      long interval)
      throws Exception {
    // Expected: group key -> bucket start (or -1 for the group's total) -> count.
    Map<String, TreeMap<Long, Long>> expected = new TreeMap<>();
    long clampedStart = start == Long.MIN_VALUE ? written.getFirst().time() : start;
    long firstBucket = interval > 0 ? Math.floorDiv(clampedStart, interval) * interval : 0;
    for (Written w : written) {
      if (w.time() < start || w.time() > end) {
        continue;
      }
      String key = field == null ? "" : field.equals("service.name") ? w.service() : w.severity();
      TreeMap<Long, Long> counts = expected.computeIfAbsent(key, k -> new TreeMap<>());
      counts.merge(-1L, 1L, Long::sum);
      if (interval > 0) {
        long bucket = Math.floorDiv(w.time(), interval) * interval;
        if (bucket >= firstBucket) {
          counts.merge(bucket, 1L, Long::sum);
        }
      }
    }
    long queryStart = start == Long.MIN_VALUE ? clampedStart : start;
    long queryEnd = end == Long.MAX_VALUE ? written.getLast().time() : end;
    AggregationResult result =
        store
            .reader()
            .aggregate(
                request(
                    "*",
                    start == Long.MIN_VALUE && interval > 0 ? queryStart : start,
                    end == Long.MAX_VALUE && interval > 0 ? queryEnd : end,
                    field == null ? List.of() : List.of(field),
                    interval));
    Map<String, TreeMap<Long, Long>> actual = new TreeMap<>();
    for (AggregationResult.Group group : result.groups()) {
      TreeMap<Long, Long> counts = new TreeMap<>();
      counts.put(-1L, (long) group.values()[0]);
      for (AggregationResult.TimeBucket bucket : group.histogram()) {
        if (bucket.values()[0] > 0) {
          counts.put(bucket.startNanos(), (long) bucket.values()[0]);
        }
      }
      actual.put(group.key().isEmpty() ? "" : group.key().getFirst(), counts);
    }
    assertThat(actual)
        .as("counts in [%d, %d] by %s every %d ns", start, end, field, interval)
        .isEqualTo(expected);
  }
}
