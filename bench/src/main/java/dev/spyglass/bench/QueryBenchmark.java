package dev.spyglass.bench;

import dev.spyglass.bench.data.LogGenerator;
import dev.spyglass.bench.data.LoghubCorpus;
import dev.spyglass.bench.data.Timeline;
import dev.spyglass.bench.load.LoadGenerator;
import dev.spyglass.bench.load.LoadResult;
import dev.spyglass.bench.load.OtlpClient;
import dev.spyglass.pipeline.Signal;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Query latency on a log store of {@code records} Loghub records spread over the last 24 hours,
 * through the HTTP API a user calls, with 1 and 8 concurrent clients.
 */
final class QueryBenchmark {
  static final String[] TERMS = {
    "error",
    "failed",
    "block",
    "session",
    "user",
    "connection",
    "received",
    "exception",
    "timeout",
    "closed",
    "authentication",
    "interrupt"
  };
  static final String[] PHRASES = {
    "Invalid user",
    "authentication failure",
    "Receiving block",
    "PacketResponder 1",
    "session opened",
    "Connection closed",
    "Failed password",
    "getBlockLocations"
  };

  record Options(
      long records,
      int iterations,
      int[] concurrency,
      Path home,
      Path work,
      LoghubCorpus corpus,
      boolean ui) {}

  /** The API's latencies, the load's cost, and the web UI's time to first results on the data. */
  record Result(List<Figure> queries, List<UiBenchmark.Figure> ui, Load load) {}

  /**
   * The load: Spyglass's CPU from the first request until every record is searchable, the wall time
   * of it, and the bytes of its log partitions (the write-ahead log left out, as the peers'
   * translogs are).
   */
  record Load(long records, double cpuSeconds, double wallSeconds, long storeBytes) {
    double recordsPerCpuSecond() {
      return records / cpuSeconds;
    }

    double bytesPerRecord() {
      return (double) storeBytes / records;
    }
  }

  /** Latency percentiles of one query at one concurrency. */
  record Figure(String query, int clients, long requests, long errors, Histogram micros) {
    double millis(double percentile) {
      return micros.getValueAtPercentile(percentile) / 1000.0;
    }
  }

  static Result run(Options options, PrintStream out) throws Exception {
    Path data = options.work().resolve("query-logs");
    List<String> traceIds = new CopyOnWriteArrayList<>();
    Timeline timeline =
        Timeline.spread(24L * 3600 * 1_000_000_000L, Math.min(options.records(), 2_000_000));
    IntFunction<dev.spyglass.bench.data.Generator> generators =
        c -> new LogGenerator(options.corpus(), timeline, 7 + c, traceIds::add);
    long startMillis = System.currentTimeMillis() - 25L * 3600 * 1000;
    List<Figure> figures = new ArrayList<>();
    List<UiBenchmark.Figure> ui = List.of();
    Load loaded;
    try (SpyglassUnderTest spyglass =
        SpyglassUnderTest.start(
            options.home(), data, "4g", null, options.work().resolve("spyglass-query.log"))) {
      out.printf("query: loading %,d log records spread over 24 h …%n", options.records());
      double cpuBefore = spyglass.cpuSeconds();
      long loadStarted = System.nanoTime();
      LoadResult load;
      try (OtlpClient client = OtlpClient.http("127.0.0.1", spyglass.http)) {
        load =
            new LoadGenerator(
                    new LoadGenerator.Plan(
                        Signal.LOGS,
                        4,
                        1000,
                        options.records(),
                        0,
                        Long.MAX_VALUE,
                        (int) Math.min(options.records(), 2_000_000)),
                    generators)
                .run(client);
      }
      double searchable =
          IngestBenchmark.awaitSearchable(spyglass, Signal.LOGS, load.accepted(), startMillis);
      loaded =
          new Load(
              load.accepted(),
              spyglass.cpuSeconds() - cpuBefore,
              (System.nanoTime() - loadStarted) / 1e9,
              SpyglassUnderTest.directorySize(data.resolve("logs")));
      out.printf(
          "query: %,d records loaded at %,.0f/s, searchable %.1f s later; %d trace ids sampled%n",
          load.accepted(), load.recordsPerSecond(), searchable, traceIds.size());
      Map<String, IntFunction<String>> queries = queries(traceIds);
      for (Map.Entry<String, IntFunction<String>> query : queries.entrySet()) {
        // Warm up each query shape once per 20 iterations before measuring.
        for (int i = 0; i < Math.max(5, options.iterations() / 20); i++) {
          spyglass.get(query.getValue().apply(i));
        }
        for (int clients : options.concurrency()) {
          figures.add(
              measure(
                  query.getKey(),
                  i -> spyglass.get(query.getValue().apply(i)).statusCode() == 200,
                  clients,
                  options.iterations()));
          Figure figure = figures.getLast();
          out.printf(
              "  %-38s %d client%s: p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  (%d requests, %d"
                  + " errors)%n",
              figure.query(),
              clients,
              clients == 1 ? " " : "s",
              figure.millis(50),
              figure.millis(95),
              figure.millis(99),
              figure.requests(),
              figure.errors());
        }
      }
      if (options.ui()) {
        try {
          ui = UiBenchmark.run(spyglass, options.home(), out);
        } catch (Exception e) {
          // The API's figures above stand without the browser's.
          out.println("ui: the browser measurement failed: " + e);
        }
      }
    }
    return new Result(figures, ui, loaded);
  }

  private static Map<String, IntFunction<String>> queries(List<String> traceIds) {
    Map<String, IntFunction<String>> queries = new LinkedHashMap<>();
    SplittableRandom random = new SplittableRandom(3);
    queries.put(
        "term + 1 h range, newest 100",
        i -> {
          int hoursAgo = 1 + Math.floorMod(i * 7, 23);
          return "/api/v1/logs/search?limit=100&start=now-"
              + (hoursAgo + 1)
              + "h&end=now-"
              + hoursAgo
              + "h&q="
              + encode("body:" + TERMS[Math.floorMod(i, TERMS.length)]);
        });
    queries.put(
        "phrase, 24 h, newest 100",
        i ->
            "/api/v1/logs/search?limit=100&start=now-24h&end=now&q="
                + encode("body:\"" + PHRASES[Math.floorMod(i, PHRASES.length)] + "\""));
    queries.put(
        "24 h histogram by severity (1 h)",
        i -> "/api/v1/logs/aggregate?group_by=severity_text&interval=1h&start=now-24h&end=now");
    queries.put(
        "top 10 services, 24 h",
        i -> "/api/v1/logs/aggregate?group_by=service.name&size=10&start=now-24h&end=now");
    queries.put(
        "trace by id",
        i ->
            "/api/v1/traces/"
                + (traceIds.isEmpty()
                    ? "0123456789abcdef0123456789abcdef"
                    : traceIds.get(random.nextInt(traceIds.size()))));
    return queries;
  }

  /** One request: true when it was answered as asked (an exception counts as an error too). */
  @FunctionalInterface
  interface Request {
    boolean send(int iteration) throws Exception;
  }

  /** {@code iterations} requests shared by {@code clients} threads, each one's latency recorded. */
  static Figure measure(String name, Request request, int clients, int iterations)
      throws InterruptedException {
    Histogram micros = new ConcurrentHistogram(3);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = next.getAndIncrement();
                        i < iterations;
                        i = next.getAndIncrement()) {
                      long started = System.nanoTime();
                      try {
                        if (!request.send(i)) {
                          errors.incrementAndGet();
                        }
                      } catch (Exception e) {
                        errors.incrementAndGet();
                      }
                      micros.recordValue(Math.max(1, (System.nanoTime() - started) / 1000));
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return new Figure(name, clients, iterations, errors.get(), micros);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
