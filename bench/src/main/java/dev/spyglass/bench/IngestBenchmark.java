package dev.spyglass.bench;

import dev.spyglass.bench.data.Generator;
import dev.spyglass.bench.data.LogGenerator;
import dev.spyglass.bench.data.LoghubCorpus;
import dev.spyglass.bench.data.MetricGenerator;
import dev.spyglass.bench.data.Timeline;
import dev.spyglass.bench.data.TraceGenerator;
import dev.spyglass.bench.load.LoadGenerator;
import dev.spyglass.bench.load.LoadResult;
import dev.spyglass.bench.load.OtlpClient;
import dev.spyglass.bench.load.Payload;
import dev.spyglass.pipeline.Signal;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;

/**
 * End to end: Spyglass in its own JVM takes a fixed volume over OTLP flat out; then the same
 * records go through the raw-Lucene baseline in this JVM.
 */
final class IngestBenchmark {

  /** What to run. */
  record Options(
      Signal signal,
      String protocol,
      long records,
      int clients,
      int batch,
      long warmupRecords,
      double halfLoadSeconds,
      boolean profile,
      Path home,
      Path work,
      LoghubCorpus corpus) {}

  /** What was measured. */
  record Report(
      Signal signal,
      LoadResult load,
      double cpuSeconds,
      double searchableSeconds,
      long storedRecords,
      long bytesOnDisk,
      long walBytes,
      long peakHeapBytes,
      long peakRssBytes,
      LoadResult halfLoad,
      LuceneBaseline.Result baseline,
      List<String> profile) {

    double recordsPerCpuSecond() {
      return load.accepted() / cpuSeconds;
    }

    /** Everything on disk after a clean stop, WAL included, per record. */
    double bytesPerRecord() {
      return (double) bytesOnDisk / storedRecords;
    }

    /** The indexes alone (postings, doc values, stored source), per record. */
    double indexBytesPerRecord() {
      return (double) (bytesOnDisk - walBytes) / storedRecords;
    }

    /** Spyglass's records per CPU-second over the baseline's. */
    double baselineRatio() {
      return recordsPerCpuSecond() / baseline.recordsPerCpuSecond();
    }

    void print(PrintStream out) {
      String unit = OtlpClient.unit(signal);
      out.printf("%n== ingest: %s ==%n", unit);
      out.printf(
          "acknowledged (durable): %,d %s in %.2f s = %,.0f/s, %.1f MB/s of OTLP protobuf;"
              + " refused %,d, failed %,d%n",
          load.accepted(),
          unit,
          load.seconds(),
          load.recordsPerSecond(),
          load.acceptedBytes() / load.seconds() / 1e6,
          load.refused(),
          load.failed());
      out.printf(
          "Spyglass CPU until all were searchable: %.1f s = %,.0f %s per CPU-second (%.1f CPU-s"
              + " per million)%n",
          cpuSeconds, recordsPerCpuSecond(), unit, cpuSeconds / load.accepted() * 1e6);
      out.printf(
          "acknowledged and searchable: %,.0f/s sustained (all searchable %.2f s after the last"
              + " acknowledgement)%n",
          indexedRate(load, searchableSeconds), searchableSeconds);
      out.printf(
          "ack latency flat out: p50 %.1f ms, p99 %.1f ms; at half the sustained rate: p50 %.1f"
              + " ms, p99 %.1f ms (%,.0f/s offered)%n",
          load.millis(50),
          load.millis(99),
          halfLoad.millis(50),
          halfLoad.millis(99),
          halfLoad.recordsPerSecond());
      out.printf(
          "on disk: %,d bytes for %,d records = %.1f bytes/record (index, stored source, WAL"
              + " left)%n",
          bytesOnDisk, storedRecords, bytesPerRecord());
      out.printf(
          "peak heap in use %,d MiB, peak RSS %,d MiB%n", peakHeapBytes >> 20, peakRssBytes >> 20);
      out.printf(
          "raw-Lucene baseline: %,d in %.2f s = %,.0f/s, %,.0f per CPU-second, %.1f bytes/record"
              + " → Spyglass/baseline per CPU-second = %.2f, wall = %.2f%n",
          baseline.records(),
          baseline.seconds(),
          baseline.recordsPerSecond(),
          baseline.recordsPerCpuSecond(),
          (double) baseline.bytes() / baseline.records(),
          baselineRatio(),
          load.recordsPerSecond() / baseline.recordsPerSecond());
      profile.forEach(out::println);
    }
  }

  static Report run(Options options, PrintStream out) throws Exception {
    Path data = options.work().resolve("ingest-" + options.signal().configName());
    Path jfr =
        options.profile()
            ? options.work().resolve("ingest-" + options.signal().configName() + ".jfr")
            : null;
    Path log = options.work().resolve("spyglass-ingest.log");
    IntFunction<Generator> generators = generators(options);
    LoadGenerator warmup =
        new LoadGenerator(
            new LoadGenerator.Plan(
                options.signal(),
                options.clients(),
                options.batch(),
                options.warmupRecords(),
                0,
                Long.MAX_VALUE,
                (int) Math.min(options.warmupRecords(), 100_000)),
            c -> generators.apply(c + 1000));
    LoadGenerator measured =
        new LoadGenerator(
            new LoadGenerator.Plan(
                options.signal(),
                options.clients(),
                options.batch(),
                options.records(),
                0,
                Long.MAX_VALUE,
                (int) options.records()),
            generators);
    out.printf(
        "ingest %s: building %,d records of requests …%n",
        options.signal().configName(), options.records());
    boolean http = options.protocol().equals("http");
    List<List<Payload>> pools = measured.pools(http);
    long startMillis = System.currentTimeMillis() - 60_000;
    try (SpyglassUnderTest spyglass =
        SpyglassUnderTest.start(options.home(), data, "4g", jfr, log)) {
      int port = http ? spyglass.http : spyglass.grpc;
      try (OtlpClient client = OtlpClient.of(options.protocol(), "127.0.0.1", port)) {
        LoadResult warm = warmup.run(client);
        awaitSearchable(spyglass, options.signal(), warm.accepted(), startMillis);
        double cpuBefore = spyglass.cpuSeconds();
        LoadResult load = measured.run(client, pools);
        long expected = warm.accepted() + load.accepted();
        double searchable = awaitSearchable(spyglass, options.signal(), expected, startMillis);
        // Everything these records cost: receiving, the WAL, and indexing until searchable.
        double cpu = spyglass.cpuSeconds() - cpuBefore;
        LoadResult half =
            new LoadGenerator(
                    new LoadGenerator.Plan(
                        options.signal(),
                        options.clients(),
                        options.batch(),
                        Long.MAX_VALUE,
                        indexedRate(load, searchable) / 2,
                        (long) (options.halfLoadSeconds() * 1e9),
                        (int) Math.min(options.records(), 200_000)),
                    c -> generators.apply(c + 2000))
                .run(client);
        long stored = expected + half.accepted();
        awaitSearchable(spyglass, options.signal(), stored, startMillis);
        long rss = spyglass.peakRssBytes();
        long heap = spyglass.peakHeapBytes();
        spyglass.stop();
        long bytes = SpyglassUnderTest.directorySize(data);
        long walBytes = SpyglassUnderTest.directorySize(data.resolve("wal"));
        List<Payload> flat = pools.stream().flatMap(List::stream).toList();
        Path baselineDir = options.work().resolve("baseline-" + options.signal().configName());
        LuceneBaseline.Result baseline = LuceneBaseline.run(flat, baselineDir, 2);
        List<String> profile =
            jfr != null && Files.exists(jfr) ? JfrSummary.summarize(jfr, 15) : List.of();
        return new Report(
            options.signal(),
            load,
            cpu,
            searchable,
            stored,
            bytes,
            walBytes,
            heap,
            rss,
            half,
            baseline,
            profile);
      }
    }
  }

  private static IntFunction<Generator> generators(Options options) {
    Timeline timeline = Timeline.live();
    return switch (options.signal()) {
      case LOGS -> c -> new LogGenerator(options.corpus(), timeline, 42 + c, id -> {});
      case TRACES -> c -> new TraceGenerator(timeline, 42 + c);
      case METRICS -> c -> new MetricGenerator(timeline, 42 + c);
    };
  }

  /**
   * The sustained rate: records acknowledged <em>and</em> searchable per second (the flat-out
   * acknowledgement rate can run ahead of indexing for as long as the WAL absorbs the lag).
   */
  static double indexedRate(LoadResult load, double searchableSeconds) {
    return load.accepted() / (load.seconds() + searchableSeconds);
  }

  /** Seconds until the search API counts {@code expected} records. */
  static double awaitSearchable(
      SpyglassUnderTest spyglass, Signal signal, long expected, long startMillis)
      throws IOException, InterruptedException {
    String path =
        "/api/v1/"
            + (signal == Signal.TRACES ? "spans" : signal.configName())
            + "/search?limit=1&end=now&start="
            + startMillis;
    long started = System.nanoTime();
    long deadline = started + 300_000_000_000L;
    while (System.nanoTime() < deadline) {
      String body = spyglass.get(path).body();
      int at = body.indexOf("\"total\":");
      if (at >= 0) {
        long total = Long.parseLong(body.substring(at + 8, body.indexOf(',', at)));
        if (total >= expected) {
          return (System.nanoTime() - started) / 1e9;
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("not all " + expected + " records searchable within 300 s");
  }
}
