package dev.spyglass.bench;

import dev.spyglass.bench.data.LogGenerator;
import dev.spyglass.bench.data.LoghubCorpus;
import dev.spyglass.bench.data.Timeline;
import dev.spyglass.bench.load.LoadGenerator;
import dev.spyglass.bench.load.LoadResult;
import dev.spyglass.bench.load.OtlpClient;
import dev.spyglass.bench.load.Payload;
import dev.spyglass.pipeline.Signal;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What log patterns cost (issue 16): the same Loghub log load ingested with mining on and off, in
 * turns (off, on, off, on) so that a drifting machine favours neither, each Spyglass CPU-second
 * counted until every record is searchable; then the patterns endpoint over everything the last run
 * stored.
 */
final class PatternsCostBenchmark {
  /**
   * @param onPerCpuSecond records per Spyglass CPU-second with patterns, the better of two runs
   * @param offPerCpuSecond the same without
   * @param endpointMillis wall times of {@code GET /api/v1/logs/patterns} over the stored records
   */
  record Result(
      long records, double onPerCpuSecond, double offPerCpuSecond, List<Double> endpointMillis) {
    double ratio() {
      return onPerCpuSecond / offPerCpuSecond;
    }

    double endpointMillis(int percentile) {
      List<Double> sorted = new ArrayList<>(endpointMillis);
      Collections.sort(sorted);
      return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100));
    }
  }

  private PatternsCostBenchmark() {}

  static Result run(
      Path home, Path work, LoghubCorpus corpus, long records, int requests, PrintStream out)
      throws Exception {
    out.printf("%n== log patterns: cost ==%n");
    // Every run sends the same requests, built once: their timestamps are from now on.
    long startMillis = System.currentTimeMillis() - 120_000;
    Timeline timeline = Timeline.live();
    LoadGenerator load =
        new LoadGenerator(
            new LoadGenerator.Plan(Signal.LOGS, 4, 500, records, 0, Long.MAX_VALUE, (int) records),
            c -> new LogGenerator(corpus, timeline, 7 + c, id -> {}));
    List<List<Payload>> pools = load.pools(true);
    double on = 0;
    double off = 0;
    List<Double> endpoint = new ArrayList<>();
    String[] modes = {"off", "on", "off", "on"};
    for (int run = 0; run < modes.length; run++) {
      boolean mining = modes[run].equals("on");
      Path data = work.resolve("patterns-" + run);
      try (SpyglassUnderTest spyglass =
          SpyglassUnderTest.start(
              home,
              data,
              "4g",
              null,
              work.resolve("spyglass-patterns.log"),
              mining ? "" : ", patterns: { enabled: false }")) {
        try (OtlpClient client = OtlpClient.of("http", "127.0.0.1", spyglass.http)) {
          double cpuBefore = spyglass.cpuSeconds();
          LoadResult result = load.run(client, pools);
          IngestBenchmark.awaitSearchable(spyglass, Signal.LOGS, result.accepted(), startMillis);
          double perCpu = result.accepted() / (spyglass.cpuSeconds() - cpuBefore);
          out.printf(
              "  patterns %-3s: %,d records, %,.0f per Spyglass CPU-second%n",
              modes[run], result.accepted(), perCpu);
          if (mining) {
            on = Math.max(on, perCpu);
          } else {
            off = Math.max(off, perCpu);
          }
          if (run == modes.length - 1) {
            String path = "/api/v1/logs/patterns?end=now&start=" + startMillis;
            spyglass.get(path); // the first request warms the code paths
            for (int i = 0; i < requests; i++) {
              long started = System.nanoTime();
              var response = spyglass.get(path);
              endpoint.add((System.nanoTime() - started) / 1e6);
              if (response.statusCode() != 200) {
                throw new IllegalStateException("patterns endpoint: " + response.body());
              }
              if (i == 0) {
                String body = response.body();
                out.printf(
                    "  patterns endpoint over %,d records: %s patterns%n",
                    result.accepted(),
                    body.substring(
                        body.indexOf("\"pattern_count\":") + 16,
                        body.indexOf(',', body.indexOf("\"pattern_count\":"))));
              }
            }
          }
        }
      }
      Main.deleteRecursively(data);
    }
    Result result = new Result(records, on, off, endpoint);
    out.printf(
        "  ingest with patterns / without (per CPU-second, best of two each): %.2f%n",
        result.ratio());
    out.printf(
        "  GET /api/v1/logs/patterns (top 50, 20 samples each): p50 %.0f ms, p95 %.0f ms over %d"
            + " requests%n",
        result.endpointMillis(50), result.endpointMillis(95), requests);
    return result;
  }
}
