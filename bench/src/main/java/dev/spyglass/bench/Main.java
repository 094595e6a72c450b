package dev.spyglass.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spyglass.bench.data.LogGenerator;
import dev.spyglass.bench.data.LoghubCorpus;
import dev.spyglass.bench.data.MetricGenerator;
import dev.spyglass.bench.data.Timeline;
import dev.spyglass.bench.data.TraceGenerator;
import dev.spyglass.bench.load.LoadGenerator;
import dev.spyglass.bench.load.LoadResult;
import dev.spyglass.bench.load.OtlpClient;
import dev.spyglass.pipeline.Signal;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spyglass bench}: the benchmarks of docs/BENCHMARKS.md, and the load generator. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = {
      Main.Load.class,
      Main.PatternsBench.class,
      Main.OpenSearchBench.class,
      Main.Soak.class,
      Main.Hostile.class,
      Main.TenantsBench.class
    },
    description = {
      "End-to-end ingest (logs, spans) against a raw-Lucene baseline, query latency, JMH.",
      "The last line printed is one JSON object with the headline figures."
    })
public final class Main implements Callable<Integer> {
  @Option(names = "--quick", description = "Small volumes; finishes in under two minutes.")
  boolean quick;

  @Option(names = "--home", defaultValue = ".", description = "The Spyglass checkout (built).")
  Path home;

  @Option(
      names = "--loghub",
      description = "Loghub samples (default <home>/../shared/data/loghub).")
  Path loghub;

  @Option(names = "--work", description = "Scratch directory (default <home>/bench/target/work).")
  Path work;

  @Option(names = "--log-records", description = "Log records to ingest (default 2,000,000).")
  Long logRecords;

  @Option(names = "--query-records", description = "Log records to query (default 10,000,000).")
  Long queryRecords;

  @Option(names = "--no-query", description = "Skip the query benchmark.")
  boolean noQuery;

  @Option(
      names = "--query-iterations",
      description = "Requests per query and concurrency (default 200, 40 with --quick).")
  Integer queryIterations;

  @Option(names = "--no-ingest", description = "Skip the ingest benchmarks.")
  boolean noIngest;

  @Option(names = "--no-ui", description = "Skip the web UI's time to first results.")
  boolean noUi;

  @Option(names = "--no-jmh", description = "Skip the JMH benchmarks.")
  boolean noJmh;

  @Option(names = "--profile", description = "Record the log ingest with JFR and summarize it.")
  boolean profile;

  @Option(
      names = "--peers",
      description = {
        "After the query benchmark, load its very records into Elasticsearch 9 and OpenSearch 3",
        "by _bulk (each alone on the machine, the same heap) and ask them its questions."
      })
  boolean peers;

  @Option(names = "--peer-heap", defaultValue = "4g", description = "The peers' heap (Spyglass's).")
  String peerHeap;

  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Path loghubDir = loghubDir();
    Path workDir = workDir();
    deleteRecursively(workDir);
    Files.createDirectories(workDir);
    LoghubCorpus corpus = LoghubCorpus.read(loghubDir);
    out.printf(
        "machine: %d cores, %s %s, %s; corpus: %,d Loghub lines, mean body %.0f bytes%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        System.getProperty("os.name"),
        corpus.lines().size(),
        corpus.meanBodyBytes());
    long logs = logRecords != null ? logRecords : quick ? 200_000 : 2_000_000;
    long spans = quick ? 100_000 : 1_000_000;
    IngestBenchmark.Report logReport = null;
    IngestBenchmark.Report spanReport = null;
    if (!noIngest) {
      logReport =
          IngestBenchmark.run(
              new IngestBenchmark.Options(
                  Signal.LOGS,
                  "http",
                  logs,
                  4,
                  500,
                  quick ? 50_000 : 200_000,
                  quick ? 4 : 10,
                  profile,
                  home,
                  workDir,
                  corpus),
              out);
      logReport.print(out);
      spanReport =
          IngestBenchmark.run(
              new IngestBenchmark.Options(
                  Signal.TRACES,
                  "grpc",
                  spans,
                  4,
                  500,
                  quick ? 20_000 : 100_000,
                  quick ? 3 : 10,
                  false,
                  home,
                  workDir,
                  corpus),
              out);
      spanReport.print(out);
    }
    List<QueryBenchmark.Figure> figures = List.of();
    List<UiBenchmark.Figure> ui = List.of();
    QueryBenchmark.Load load = null;
    PeerQueryBenchmark.Result elasticsearch = null;
    PeerQueryBenchmark.Result opensearch = null;
    long queried = 0;
    if (!noQuery) {
      queried = queryRecords != null ? queryRecords : quick ? 300_000 : 10_000_000;
      out.printf("%n== query ==%n");
      QueryBenchmark.Result result =
          QueryBenchmark.run(
              new QueryBenchmark.Options(
                  queried,
                  queryIterations != null ? queryIterations : quick ? 40 : 200,
                  new int[] {1, 8},
                  home,
                  workDir,
                  corpus,
                  !noUi),
              out);
      figures = result.queries();
      ui = result.ui();
      load = result.load();
      if (peers) {
        QueryBenchmark.Options asked =
            new QueryBenchmark.Options(
                queried,
                queryIterations != null ? queryIterations : quick ? 40 : 200,
                new int[] {1, 8},
                home,
                workDir,
                corpus,
                false);
        out.printf("%n== peers: the same records and questions, direct ==%n");
        try (ElasticsearchNode node = ElasticsearchNode.start(home, peerHeap, out)) {
          elasticsearch =
              PeerQueryBenchmark.run("elasticsearch", node.url(), node.process(), asked, out);
        }
        System.setProperty(
            "opensearch.home", OpenSearchBenchmark.distribution(home, out).toString());
        try (dev.spyglass.storage.opensearch.OpenSearchNode node =
            dev.spyglass.storage.opensearch.OpenSearchNode.start(
                "spyglass-bench-peers",
                "node-0",
                List.of(),
                1,
                dev.spyglass.storage.opensearch.OpenSearchNode.freePort(),
                dev.spyglass.storage.opensearch.OpenSearchNode.freePort(),
                peerHeap)) {
          opensearch = PeerQueryBenchmark.run("opensearch", node.url(), node.process(), asked, out);
        }
        printPeers(load, figures, elasticsearch, opensearch, out);
      }
    }
    if (!noJmh && !quick) {
      runJmh(loghubDir, out);
    }
    ObjectNode json = new ObjectMapper().createObjectNode();
    if (logReport != null) {
      json.put("records_per_s", round(logReport.load().recordsPerSecond()));
      json.put("records_per_cpu_s", round(logReport.recordsPerCpuSecond()));
      json.put(
          "indexed_records_per_s",
          round(IngestBenchmark.indexedRate(logReport.load(), logReport.searchableSeconds())));
      json.put("baseline_ratio", round2(logReport.baselineRatio()));
      json.put("bytes_per_record", round2(logReport.bytesPerRecord()));
      json.put("index_bytes_per_record", round2(logReport.indexBytesPerRecord()));
      json.put("ack_p99_ms", round2(logReport.load().millis(99)));
      json.put("ack_p99_half_load_ms", round2(logReport.halfLoad().millis(99)));
      json.put(
          "mb_per_s", round2(logReport.load().acceptedBytes() / logReport.load().seconds() / 1e6));
      json.put("searchable_s", round2(logReport.searchableSeconds()));
      json.put("peak_heap_mib", logReport.peakHeapBytes() >> 20);
      json.put("peak_rss_mib", logReport.peakRssBytes() >> 20);
      json.put("spans_per_s", round(spanReport.load().recordsPerSecond()));
      json.put("spans_per_cpu_s", round(spanReport.recordsPerCpuSecond()));
      json.put("log_records", logReport.load().accepted());
    }
    json.put("query_records", queried);
    for (QueryBenchmark.Figure figure : figures) {
      json.put("query_" + key(figure) + "_p95_ms", round2(figure.millis(95)));
    }
    if (load != null) {
      json.put("query_load_per_cpu_s", round(load.recordsPerCpuSecond()));
      json.put("query_load_searchable_s", round2(load.wallSeconds()));
      json.put("query_load_bytes_per_record", round2(load.bytesPerRecord()));
    }
    for (PeerQueryBenchmark.Result peer : java.util.Arrays.asList(elasticsearch, opensearch)) {
      if (peer == null) {
        continue;
      }
      String prefix = peer.engine().equals("elasticsearch") ? "es_" : "os_";
      json.put(prefix + "per_cpu_s", round(peer.recordsPerCpuSecond()));
      json.put(prefix + "searchable_s", round2(peer.wallSeconds()));
      json.put(prefix + "bytes_per_record", round2(peer.bytesPerRecord()));
      json.put(
          prefix + "cpu_ratio", round2(load.recordsPerCpuSecond() / peer.recordsPerCpuSecond()));
      for (int i = 0; i < peer.queries().size() && i < figures.size(); i++) {
        QueryBenchmark.Figure theirs = peer.queries().get(i);
        String key = prefix + key(theirs);
        json.put(key + "_p95_ms", round2(theirs.millis(95)));
        json.put(key + "_ratio", round2(figures.get(i).millis(95) / theirs.millis(95)));
      }
    }
    for (UiBenchmark.Figure figure : ui) {
      String key = "ui_" + figure.page().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
      json.put(key + "_p95_ms", round(figure.p95()));
    }
    out.println();
    out.println(json);
    return 0;
  }

  /** A question and concurrency as a JSON key: {@code top_10_services_24_h_c8}. */
  private static String key(QueryBenchmark.Figure figure) {
    return figure
            .query()
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "_")
            .replaceAll("_+$", "")
        + "_c"
        + figure.clients();
  }

  /**
   * Spyglass beside the peers: each figure and Spyglass's ratio to it (below 1: Spyglass ahead).
   */
  private static void printPeers(
      QueryBenchmark.Load load,
      List<QueryBenchmark.Figure> ours,
      PeerQueryBenchmark.Result elasticsearch,
      PeerQueryBenchmark.Result opensearch,
      PrintStream out) {
    out.printf("%n== Spyglass beside Elasticsearch and OpenSearch (same records, same run) ==%n");
    out.printf("  %-40s %12s %14s %12s%n", "figure", "Spyglass", "Elasticsearch", "OpenSearch");
    out.printf(
        "  %-40s %,12.0f %,14.0f %,12.0f%n",
        "records per CPU-second, until searchable",
        load.recordsPerCpuSecond(),
        elasticsearch.recordsPerCpuSecond(),
        opensearch.recordsPerCpuSecond());
    out.printf(
        "  %-40s %12.1f %14.1f %12.1f%n",
        "seconds from first request to searchable",
        load.wallSeconds(),
        elasticsearch.wallSeconds(),
        opensearch.wallSeconds());
    out.printf(
        "  %-40s %12.1f %14.1f %12.1f%n",
        "bytes per record on disk (unmerged)",
        load.bytesPerRecord(),
        elasticsearch.bytesPerRecord(),
        opensearch.bytesPerRecord());
    for (int i = 0; i < ours.size(); i++) {
      QueryBenchmark.Figure figure = ours.get(i);
      out.printf(
          "  %-40s %9.1f ms %11.1f ms %9.1f ms   (÷ Elasticsearch %.2f)%n",
          figure.query() + ", p95, " + figure.clients() + "c",
          figure.millis(95),
          elasticsearch.queries().get(i).millis(95),
          opensearch.queries().get(i).millis(95),
          figure.millis(95) / elasticsearch.queries().get(i).millis(95));
    }
  }

  /** {@code --loghub}, or the samples beside the checkout. */
  Path loghubDir() {
    return loghub != null ? loghub : home.resolve("../shared/data/loghub").normalize();
  }

  /** {@code --work}, or {@code bench/target/work} in the checkout. */
  Path workDir() {
    return work != null ? work : home.resolve("bench/target/work");
  }

  private void runJmh(Path loghubDir, PrintStream out) throws Exception {
    out.printf("%n== JMH (per request of 500 log records) ==%n");
    var options =
        new OptionsBuilder()
            .include("dev\\.spyglass\\.bench\\.jmh\\..*")
            .forks(1)
            .warmupIterations(2)
            .warmupTime(TimeValue.seconds(2))
            .measurementIterations(3)
            .measurementTime(TimeValue.seconds(3))
            .jvmArgsAppend("-Dspyglass.loghub=" + loghubDir.toAbsolutePath(), "-Xmx1g")
            .build();
    for (RunResult result : new Runner(options).run()) {
      printJmh(result, out);
    }
  }

  static void printJmh(RunResult result, PrintStream out) {
    var primary = result.getPrimaryResult();
    if (result.getParams().getBenchmark().contains("PatternMining")) {
      out.printf(
          "  %-60s %,12.0f ± %,.0f messages/s%n",
          result.getParams().getBenchmark().replace("dev.spyglass.bench.jmh.", ""),
          primary.getScore(),
          primary.getScoreError());
      return;
    }
    out.printf(
        "  %-60s %,12.0f ± %,.0f %s (= %,.0f records/s)%n",
        result.getParams().getBenchmark().replace("dev.spyglass.bench.jmh.", "")
            + result.getParams().getParamsKeys().stream()
                .map(k -> " " + k + "=" + result.getParams().getParam(k))
                .reduce("", String::concat),
        primary.getScore(),
        primary.getScoreError(),
        primary.getScoreUnit(),
        primary.getScore() * 500);
  }

  private static double round(double value) {
    return Math.round(value);
  }

  private static double round2(double value) {
    return Math.round(value * 100) / 100.0;
  }

  /** Deletes {@code dir} and everything in it, if it exists. */
  public static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** {@code bench patterns}: pattern accuracy on the 8 Loghub systems, and mining speed. */
  @Command(
      name = "patterns",
      mixinStandardHelpOptions = true,
      description = "GA, FGA and PA of log pattern mining on Loghub, and its JMH speed.")
  static final class PatternsBench implements Callable<Integer> {
    @CommandLine.ParentCommand Main parent;

    @Option(names = "--no-jmh", description = "Skip the JMH mining speed.")
    boolean noJmh;

    @Option(names = "--no-cost", description = "Skip ingest with and without patterns.")
    boolean noCost;

    @Override
    public Integer call() throws Exception {
      Path loghub = parent.loghubDir();
      List<dev.spyglass.patterns.LoghubEvaluation.Score> scores = new java.util.ArrayList<>();
      for (String system : dev.spyglass.patterns.LoghubEvaluation.SYSTEMS) {
        scores.add(dev.spyglass.patterns.LoghubEvaluation.score(loghub, system));
      }
      System.out.println("== log pattern accuracy (Loghub 2k, one configuration) ==");
      System.out.print(dev.spyglass.patterns.LoghubEvaluation.table(scores));
      if (!noCost) {
        Path work = parent.workDir();
        deleteRecursively(work);
        java.nio.file.Files.createDirectories(work);
        PatternsCostBenchmark.Result cost =
            PatternsCostBenchmark.run(
                parent.home,
                work,
                LoghubCorpus.read(loghub),
                parent.quick ? 200_000 : 1_000_000,
                parent.quick ? 10 : 40,
                System.out);
        System.out.println(
            "{\"patterns_ingest_ratio\":"
                + round2(cost.ratio())
                + ",\"patterns_endpoint_p95_ms\":"
                + round(cost.endpointMillis(95))
                + "}");
      }
      if (!noJmh) {
        System.out.printf("%n== JMH: pattern mining, one thread ==%n");
        var options =
            new OptionsBuilder()
                .include("dev\\.spyglass\\.bench\\.jmh\\.PatternMiningBenchmark.*")
                .forks(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(2))
                .jvmArgsAppend("-Dspyglass.loghub=" + loghub.toAbsolutePath(), "-Xmx1g")
                .build();
        for (RunResult result : new Runner(options).run()) {
          printJmh(result, System.out);
        }
      }
      return 0;
    }
  }

  /** {@code bench opensearch}: Spyglass in front of OpenSearch against direct {@code _bulk}. */
  @Command(
      name = "opensearch",
      mixinStandardHelpOptions = true,
      description = {
        "Log records through Spyglass into one OpenSearch node against the same documents",
        "bulk-loaded directly: records per CPU-second of all processes, bytes per record, query",
        "latency through Spyglass's API and directly."
      })
  static final class OpenSearchBench implements Callable<Integer> {
    @CommandLine.ParentCommand Main parent;

    @Option(names = "--records", description = "Log records measured (default 1,000,000).")
    Long records;

    @Option(
        names = "--warmup-records",
        description = "Records each side sends first, unmeasured (default 200,000; 100,000 quick).")
    Long warmup;

    @Option(names = "--heap", defaultValue = "2g", description = "OpenSearch's heap.")
    String heap;

    @Option(
        names = "--peers",
        description = {
          "Also load the same _bulk bodies into Elasticsearch 9 (after OpenSearch has stopped;",
          "the same heap) and ask it the same questions (issue 21)."
        })
    boolean peers;

    @Override
    public Integer call() throws Exception {
      Path loghub = parent.loghubDir();
      Path work = parent.workDir();
      deleteRecursively(work);
      Files.createDirectories(work);
      long measured = records != null ? records : parent.quick ? 100_000 : 1_000_000;
      OpenSearchBenchmark.Report report =
          OpenSearchBenchmark.run(
              new OpenSearchBenchmark.Options(
                  measured,
                  warmup != null ? warmup : parent.quick ? 100_000 : 200_000,
                  parent.queryIterations != null ? parent.queryIterations : parent.quick ? 20 : 100,
                  heap,
                  parent.home,
                  work,
                  LoghubCorpus.read(loghub),
                  parent.profile,
                  peers),
              System.out);
      report.print(System.out);
      ObjectNode json = new ObjectMapper().createObjectNode();
      OpenSearchBenchmark.Round last = report.last();
      json.put("opensearch_records", last.spyglass().records());
      json.put("opensearch_spyglass_per_cpu_s", round(last.spyglass().recordsPerCpuSecond()));
      json.put("opensearch_direct_per_cpu_s", round(last.direct().recordsPerCpuSecond()));
      json.put("opensearch_cpu_ratio", round2(last.ratio()));
      json.put("opensearch_spyglass_bytes_per_record", round2(report.spyglassBytesPerRecord()));
      json.put("opensearch_direct_bytes_per_record", round2(last.direct().bytesPerRecord()));
      for (OpenSearchBenchmark.Query query : report.queries()) {
        String key =
            "opensearch_"
                + query.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
                + "_p95_ms";
        key = key.replace("__", "_");
        json.put(key, round2(query.spyglassMillis(95)));
        json.put(key.replace("_p95_ms", "_direct_p95_ms"), round2(query.directMillis(95)));
      }
      if (report.elasticsearch() != null) {
        OpenSearchBenchmark.Ingest es = report.elasticsearch().ingest();
        json.put("es_direct_per_cpu_s", round(es.recordsPerCpuSecond()));
        json.put("es_bytes_per_record", round2(es.bytesPerRecord()));
        json.put(
            "es_over_os_direct_cpu_ratio",
            round2(es.recordsPerCpuSecond() / last.direct().recordsPerCpuSecond()));
        json.put(
            "spyglass_os_over_es_cpu_ratio",
            round2(last.spyglass().recordsPerCpuSecond() / es.recordsPerCpuSecond()));
        for (OpenSearchBenchmark.Query query : report.elasticsearch().queries()) {
          String key =
              ("es_"
                      + query.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
                      + "_p95_ms")
                  .replace("__", "_");
          json.put(key, round2(query.directMillis(95)));
        }
      }
      System.out.println();
      System.out.println(json);
      return 0;
    }
  }

  /** {@code bench soak}: kill -9 under OTLP load, again and again; nothing acknowledged lost. */
  @Command(
      name = "soak",
      mixinStandardHelpOptions = true,
      description = {
        "Spyglass under OTLP/HTTP load, kill -9ed at random moments and restarted on the same",
        "data; after each restart every acknowledged record is looked up (issue 19)."
      })
  static final class Soak implements Callable<Integer> {
    @CommandLine.ParentCommand Main parent;

    @Option(names = "--kills", defaultValue = "200", description = "kill -9 trials (200).")
    int kills;

    @Option(
        names = "--minutes",
        defaultValue = "60",
        description = "Stop starting trials after this long (60); the report says how many ran.")
    int minutes;

    @Option(names = "--seed", description = "Load lengths' seed (default: the clock).")
    Long seed;

    @Option(names = "--heap", defaultValue = "1g", description = "Spyglass's heap.")
    String heap;

    @Override
    public Integer call() throws Exception {
      Path work = parent.workDir();
      deleteRecursively(work);
      Files.createDirectories(work);
      long chosen = seed != null ? seed : System.nanoTime();
      System.out.printf("soak: seed %d, up to %d kills in %d min%n", chosen, kills, minutes);
      SoakBenchmark.Report report =
          SoakBenchmark.run(
              new SoakBenchmark.Options(
                  parent.home, work, kills, java.time.Duration.ofMinutes(minutes), chosen, heap),
              System.out);
      report.print(System.out);
      ObjectNode json = new ObjectMapper().createObjectNode();
      json.put("soak_trials", report.trials());
      json.put("soak_acknowledged", report.acknowledged());
      json.put("soak_lost", report.lost());
      json.put("soak_duplicated", report.duplicated());
      json.put("soak_unacknowledged_survived", report.unacknowledgedSurvived());
      json.put("soak_restart_p50_s", round2(report.restartP50Seconds()));
      System.out.println();
      System.out.println(json);
      return report.lost() == 0 && report.duplicated() == 0 ? 0 : 1;
    }
  }

  /** {@code bench hostile}: ingest acknowledgement latency while hostile queries run. */
  @Command(
      name = "hostile",
      mixinStandardHelpOptions = true,
      description = {
        "OTLP acknowledgement latency under a steady ingest, quiet and then while 8 clients",
        "loop the most expensive queries the API accepts (issue 19); the ratio of the p99s."
      })
  static final class Hostile implements Callable<Integer> {
    @CommandLine.ParentCommand Main parent;

    @Option(names = "--records", defaultValue = "500000", description = "Records loaded first.")
    long records;

    @Option(names = "--seconds", defaultValue = "30", description = "Length of each phase.")
    int seconds;

    @Option(names = "--attackers", defaultValue = "8", description = "Concurrent query loops.")
    int attackers;

    @Override
    public Integer call() throws Exception {
      Path work = parent.workDir();
      deleteRecursively(work);
      Files.createDirectories(work);
      HostileQueryBenchmark.Report report =
          HostileQueryBenchmark.run(
              new HostileQueryBenchmark.Options(
                  parent.home,
                  work,
                  LoghubCorpus.read(parent.loghubDir()),
                  parent.quick ? 100_000 : records,
                  parent.quick ? 10 : seconds,
                  attackers),
              System.out);
      report.print(System.out);
      ObjectNode json = new ObjectMapper().createObjectNode();
      json.put("hostile_quiet_ack_p99_ms", round2(report.quiet().p(0.99)));
      json.put("hostile_ack_p99_ms", round2(report.hostile().p(0.99)));
      json.put("hostile_ack_p99_ratio", round2(report.ratio()));
      json.put("hostile_queries", report.hostile().queries());
      System.out.println();
      System.out.println(json);
      return 0;
    }
  }

  /** {@code bench tenants}: a tenant's acknowledgement latency beside a throttled neighbour. */
  @Command(
      name = "tenants",
      mixinStandardHelpOptions = true,
      description = {
        "OTLP acknowledgement latency of one tenant, alone and then while another tenant sends",
        "flat out over its ingest limit and is throttled (issue 20); the ratio of the p99s."
      })
  static final class TenantsBench implements Callable<Integer> {
    @CommandLine.ParentCommand Main parent;

    @Option(names = "--seconds", defaultValue = "30", description = "Length of each phase.")
    int seconds;

    @Option(
        names = "--noisy-clients",
        defaultValue = "4",
        description = "The noisy tenant's loops.")
    int noisyClients;

    @Override
    public Integer call() throws Exception {
      Path work = parent.workDir();
      deleteRecursively(work);
      Files.createDirectories(work);
      TenantLimitsBenchmark.Report report =
          TenantLimitsBenchmark.run(
              new TenantLimitsBenchmark.Options(
                  parent.home, work, parent.quick ? 10 : seconds, noisyClients),
              System.out);
      report.print(System.out);
      ObjectNode json = new ObjectMapper().createObjectNode();
      json.put("tenant_alone_ack_p99_ms", round2(report.solo().p(0.99)));
      json.put("tenant_beside_noisy_ack_p99_ms", round2(report.neighbour().p(0.99)));
      json.put("tenant_ack_p99_ratio", round2(report.ratio()));
      System.out.println();
      System.out.println(json);
      return 0;
    }
  }

  /** {@code bench load}: the load generator on its own, against any OTLP endpoint. */
  @Command(
      name = "load",
      mixinStandardHelpOptions = true,
      description = "Send OTLP logs, traces or metrics at a rate or flat out; count acks.")
  static final class Load implements Callable<Integer> {
    @Option(names = "--endpoint", defaultValue = "127.0.0.1:4318", description = "host:port")
    String endpoint;

    @Option(names = "--protocol", defaultValue = "http", description = "http (protobuf) or grpc")
    String protocol;

    @Option(names = "--signal", defaultValue = "logs", description = "logs, traces or metrics")
    String signal;

    @Option(names = "--clients", defaultValue = "4", description = "Concurrent clients.")
    int clients;

    @Option(names = "--batch", defaultValue = "500", description = "Records per request.")
    int batch;

    @Option(names = "--records", defaultValue = "1000000", description = "Records to send.")
    long records;

    @Option(names = "--rate", defaultValue = "0", description = "Records/s; 0 = flat out.")
    double rate;

    @Option(names = "--duration", defaultValue = "0", description = "Seconds at most; 0 = none.")
    double duration;

    @Option(names = "--loghub", defaultValue = "../shared/data/loghub")
    Path loghub;

    @Override
    public Integer call() throws Exception {
      Signal parsed =
          Signal.fromConfigName(signal)
              .orElseThrow(
                  () ->
                      new CommandLine.ParameterException(
                          new CommandLine(this), "--signal must be logs, traces or metrics"));
      int colon = endpoint.lastIndexOf(':');
      String host = endpoint.substring(0, colon);
      int port = Integer.parseInt(endpoint.substring(colon + 1));
      Timeline timeline = Timeline.live();
      LoghubCorpus corpus = parsed == Signal.LOGS ? LoghubCorpus.read(loghub) : null;
      LoadGenerator generator =
          new LoadGenerator(
              new LoadGenerator.Plan(
                  parsed,
                  clients,
                  batch,
                  records,
                  rate,
                  duration > 0 ? (long) (duration * 1e9) : Long.MAX_VALUE,
                  (int) Math.min(records, 500_000)),
              c ->
                  switch (parsed) {
                    case LOGS -> new LogGenerator(corpus, timeline, c, id -> {});
                    case TRACES -> new TraceGenerator(timeline, c);
                    case METRICS -> new MetricGenerator(timeline, c);
                  });
      try (OtlpClient client = OtlpClient.of(protocol, host, port)) {
        LoadResult result = generator.run(client);
        System.out.printf(
            "acknowledged %,d %s in %.2f s (%,.0f/s, %.1f MB/s); refused %,d; failed %,d;"
                + " ack p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
            result.accepted(),
            OtlpClient.unit(parsed),
            result.seconds(),
            result.recordsPerSecond(),
            result.acceptedBytes() / result.seconds() / 1e6,
            result.refused(),
            result.failed(),
            result.millis(50),
            result.millis(99),
            result.millis(100));
        return result.failed() == 0 ? 0 : 1;
      }
    }
  }
}
