package dev.spyglass.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spyglass.bench.data.Generator;
import dev.spyglass.bench.data.LogGenerator;
import dev.spyglass.bench.data.LoghubCorpus;
import dev.spyglass.bench.data.Timeline;
import dev.spyglass.bench.load.LoadGenerator;
import dev.spyglass.bench.load.LoadResult;
import dev.spyglass.bench.load.OtlpClient;
import dev.spyglass.bench.load.Payload;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.opensearch.OpenSearchNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Spyglass in front of OpenSearch against OpenSearch's own {@code _bulk}, on one node, the same
 * records, the same mapping, in the same run (docs/BENCHMARKS.md, issue 18).
 *
 * <p>Spyglass takes the log records over OTLP/HTTP, fsyncs them in its WAL, acknowledges, maps them
 * and ships them with {@code _bulk}. The baseline is what an OpenSearch user without Spyglass does:
 * the very documents Spyglass wrote (read back, with their ids), in {@code _bulk} bodies of the
 * same size, into indices made from the same template. Both are timed from their first request
 * until OpenSearch counts every document, on a node warmed by a first slice of each; CPU is the sum
 * of every process involved: OpenSearch, Spyglass and the client. Then the query benchmark's
 * questions go to the same indices once through Spyglass's API and once to OpenSearch directly.
 */
final class OpenSearchBenchmark {
  private static final String SPYGLASS_INDEX = "bench-spyglass-logs";
  private static final String DIRECT_INDEX = "bench-direct-logs";
  private static final int BULK_DOCUMENTS = 5000;

  /** Spyglass then direct, twice: the second round runs on a node warmed by both paths. */
  private static final int ROUNDS = 2;

  record Options(
      long records,
      long warmupRecords,
      int queryIterations,
      String heap,
      Path home,
      Path work,
      LoghubCorpus corpus,
      boolean profile,
      boolean elasticsearch) {}

  /** One side's ingest. */
  record Ingest(
      long records,
      double seconds,
      double cpuSeconds,
      long storeBytes,
      long storeDocs,
      String nodeWork) {
    double recordsPerCpuSecond() {
      return records / cpuSeconds;
    }

    double recordsPerSecond() {
      return records / seconds;
    }

    double bytesPerRecord() {
      return (double) storeBytes / storeDocs;
    }
  }

  /** One question's latency through Spyglass and directly. */
  record Query(String name, Histogram spyglass, Histogram direct, long errors) {
    double spyglassMillis(double percentile) {
      return spyglass.getValueAtPercentile(percentile) / 1000.0;
    }

    double directMillis(double percentile) {
      return direct.getValueAtPercentile(percentile) / 1000.0;
    }
  }

  /** One round: the records through Spyglass, then the same documents directly. */
  record Round(
      Ingest spyglass,
      double spyglassCpuShare,
      double openSearchCpuShare,
      LoadResult load,
      Ingest direct) {
    double ratio() {
      return spyglass.recordsPerCpuSecond() / direct.recordsPerCpuSecond();
    }

    void print(int number, PrintStream out) {
      out.printf(
          "round %d through Spyglass: %,d records acknowledged in %.2f s (%,.0f/s; refused and"
              + " resent %,d), all searchable in OpenSearch after %.2f s = %,.0f/s; CPU %.1f s"
              + " (Spyglass %.0f%%, OpenSearch %.0f%%, client the rest) = %,.0f records per"
              + " CPU-second%n",
          number,
          load.accepted(),
          load.seconds(),
          load.recordsPerSecond(),
          load.refused(),
          spyglass.seconds(),
          spyglass.recordsPerSecond(),
          spyglass.cpuSeconds(),
          spyglassCpuShare * 100,
          openSearchCpuShare * 100,
          spyglass.recordsPerCpuSecond());
      out.printf("  OpenSearch's own accounting: %s%n", spyglass.nodeWork());
      out.printf(
          "round %d direct _bulk: %,d documents all searchable after %.2f s = %,.0f/s; CPU %.1f s"
              + " = %,.0f records per CPU-second (%.1f bytes/record merged)%n",
          number,
          direct.records(),
          direct.seconds(),
          direct.recordsPerSecond(),
          direct.cpuSeconds(),
          direct.recordsPerCpuSecond(),
          direct.bytesPerRecord());
      out.printf("  OpenSearch's own accounting: %s%n", direct.nodeWork());
      out.printf(
          "round %d → Spyglass+OpenSearch ÷ OpenSearch per CPU-second = %.2f (wall %.2f)%n",
          number, ratio(), spyglass.recordsPerSecond() / direct.recordsPerSecond());
    }
  }

  /**
   * @param store merged bytes and documents of everything Spyglass wrote
   */
  record Report(
      List<Round> rounds,
      long[] store,
      long walBytesLeft,
      List<Query> queries,
      List<String> profile,
      Peer elasticsearch) {
    Report withElasticsearch(Peer peer) {
      return new Report(rounds, store, walBytesLeft, queries, profile, peer);
    }

    /** The last round: both sides on a node (and a Spyglass) that has run both before. */
    Round last() {
      return rounds.getLast();
    }

    double spyglassBytesPerRecord() {
      return (double) store[0] / store[1];
    }

    void print(PrintStream out) {
      out.printf("%n== Spyglass → OpenSearch against OpenSearch's own _bulk ==%n");
      for (int i = 0; i < rounds.size(); i++) {
        rounds.get(i).print(i + 1, out);
      }
      out.printf(
          "on disk, merged: through Spyglass %.1f bytes/record, direct %.1f bytes/record (same"
              + " documents); Spyglass's local WAL left after shipping: %,d bytes%n",
          spyglassBytesPerRecord(), last().direct().bytesPerRecord(), walBytesLeft);
      for (Query query : queries) {
        out.printf(
            "  %-34s Spyglass API p50 %6.1f p95 %6.1f ms | OpenSearch direct p50 %6.1f p95 %6.1f"
                + " ms (%d errors)%n",
            query.name(),
            query.spyglassMillis(50),
            query.spyglassMillis(95),
            query.directMillis(50),
            query.directMillis(95),
            query.errors());
      }
      if (elasticsearch != null) {
        Ingest es = elasticsearch.ingest();
        out.printf(
            "%n== Elasticsearch 9 direct _bulk, the same documents and bodies as OpenSearch's last"
                + " direct round ==%n%,d documents all searchable after %.2f s = %,.0f/s; CPU %.1f s"
                + " = %,.0f records per CPU-second (OpenSearch %,.0f); %.1f bytes/record merged"
                + " (OpenSearch %.1f)%n",
            es.records(),
            es.seconds(),
            es.recordsPerSecond(),
            es.cpuSeconds(),
            es.recordsPerCpuSecond(),
            last().direct().recordsPerCpuSecond(),
            es.bytesPerRecord(),
            last().direct().bytesPerRecord());
        for (Query query : elasticsearch.queries()) {
          out.printf(
              "  %-34s Elasticsearch p50 %6.1f p95 %6.1f ms (%d errors)%n",
              query.name(), query.directMillis(50), query.directMillis(95), query.errors());
        }
      }
      profile.forEach(out::println);
    }
  }

  static Report run(Options options, PrintStream out) throws Exception {
    System.setProperty("opensearch.home", distribution(options.home(), out).toString());
    long total = options.warmupRecords() + ROUNDS * options.records();
    List<String> traceIds = new CopyOnWriteArrayList<>();
    Timeline timeline = Timeline.spread(24L * 3600 * 1_000_000_000L, total);
    IntFunction<Generator> generators =
        c -> new LogGenerator(options.corpus(), timeline, 11 + c, traceIds::add);
    out.printf("opensearch: building %,d records of requests …%n", total);
    LoadGenerator warmup = generator(options.warmupRecords(), c -> generators.apply(c + 100));
    List<List<Payload>> warmPools = warmup.pools(true);
    List<LoadGenerator> rounds = new ArrayList<>();
    List<List<List<Payload>>> roundPools = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      int seed = 1000 * (round + 1);
      rounds.add(generator(options.records(), c -> generators.apply(c + seed)));
      roundPools.add(rounds.getLast().pools(true));
    }
    Report report;
    Exported baseline;
    List<Questions> asked;
    try (OpenSearchNode node =
        OpenSearchNode.start(
            "spyglass-bench",
            "node-0",
            List.of(),
            1,
            OpenSearchNode.freePort(),
            OpenSearchNode.freePort(),
            options.heap())) {
      OpenSearchRest rest = new OpenSearchRest(node.url());
      Path data = options.work().resolve("opensearch-spyglass");
      Path jfr = options.profile() ? options.work().resolve("opensearch-spyglass.jfr") : null;
      String exporter =
          ("opensearch: { http: { endpoint: '%s' }, path: %s, logs_index: %s, replicas: 0,"
                  + " refresh_interval: 30s, bulk: { max_documents: %d } }")
              .formatted(node.url(), data.resolve("wal"), SPYGLASS_INDEX, BULK_DOCUMENTS);
      List<Round> results = new ArrayList<>();
      List<Query> queries;
      Exported lastExported = null;
      long[] store;
      try (SpyglassUnderTest server =
          SpyglassUnderTest.start(
              options.home(),
              data,
              "2g",
              jfr,
              options.work().resolve("spyglass-opensearch.log"),
              "opensearch",
              exporter,
              ", storage: opensearch")) {
        String indices = SPYGLASS_INDEX + "-*";
        try (OtlpClient client = OtlpClient.http("127.0.0.1", server.http)) {
          long stored = warmup.run(client, warmPools).accepted();
          awaitShipped(server, rest, indices, stored);
          for (int round = 0; round < ROUNDS; round++) {
            long after = lastSequence(rest, indices);
            double[] before = cpu(node, server);
            long[] workBefore = rest.work();
            double[] jvmBefore = compilerAndGcSeconds(node.process());
            long started = System.nanoTime();
            LoadResult load = rounds.get(round).run(client, roundPools.get(round));
            stored += load.accepted();
            awaitShipped(server, rest, indices, stored);
            double seconds = (System.nanoTime() - started) / 1e9;
            double[] used = cpu(node, server);
            String work =
                OpenSearchRest.describe(workBefore, rest.work())
                    + jvm(jvmBefore, compilerAndGcSeconds(node.process()));
            double cpu = used[0] + used[1] + used[2] - before[0] - before[1] - before[2];
            Ingest spyglass = new Ingest(load.accepted(), seconds, cpu, 0, 0, work);
            out.printf(
                "opensearch: round %d, %,d records through Spyglass in %.1f s; the same"
                    + " documents directly …%n",
                round + 1, load.accepted(), seconds);
            String direct = DIRECT_INDEX + "-" + (round + 1);
            Exported exported = export(rest, after, direct);
            lastExported = exported;
            Ingest directly = direct(rest, node.process(), exported.bodies(), direct);
            results.add(
                new Round(
                    spyglass,
                    (used[1] - before[1]) / cpu,
                    (used[0] - before[0]) / cpu,
                    load,
                    directly));
          }
          out.printf("opensearch: querying …%n");
          asked = questions(traceIds);
          queries = queries(server, rest, indices, asked, options.queryIterations());
          store = rest.mergedStore(indices);
        }
        server.stop();
      }
      long walLeft = SpyglassUnderTest.directorySize(data.resolve("wal"));
      List<String> profile =
          jfr != null && Files.exists(jfr) ? JfrSummary.summarize(jfr, 25) : List.of();
      report = new Report(results, store, walLeft, List.copyOf(queries), profile, null);
      baseline = lastExported;
    }
    if (!options.elasticsearch() || baseline == null) {
      return report;
    }
    // OpenSearch is stopped: Elasticsearch gets the machine to itself, as OpenSearch had.
    return report.withElasticsearch(elasticsearch(options, baseline, asked, out));
  }

  /**
   * The Elasticsearch peer: the very bodies of OpenSearch's last direct round, the same questions.
   */
  record Peer(Ingest ingest, List<Query> queries) {}

  private static Peer elasticsearch(
      Options options, Exported baseline, List<Questions> asked, PrintStream out) throws Exception {
    out.printf("elasticsearch: starting a node (heap %s) …%n", options.heap());
    try (ElasticsearchNode node = ElasticsearchNode.start(options.home(), options.heap(), out)) {
      OpenSearchRest rest = new OpenSearchRest(node.url());
      // A first, unmeasured load warms the node's JIT as OpenSearch's warm-up slice and first
      // round warmed it; then the measured one, into fresh indices.
      direct(
          rest,
          node.process(),
          load(rest, baseline, "bench-elasticsearch-warmup"),
          "bench-elasticsearch-warmup");
      // By name: Elasticsearch refuses a wildcard DELETE (action.destructive_requires_name).
      List<String> warm = new ArrayList<>();
      for (String index : baseline.indices()) {
        warm.add("bench-elasticsearch-warmup-x" + index.substring(DIRECT_INDEX.length()));
      }
      rest.call("DELETE", "/" + String.join(",", warm), null);
      String prefix = "bench-elasticsearch-logs";
      List<byte[]> bodies = load(rest, baseline, prefix);
      out.printf("elasticsearch: %,d bulk bodies …%n", bodies.size());
      Ingest ingest = direct(rest, node.process(), bodies, prefix);
      out.printf("elasticsearch: querying …%n");
      List<Query> queries = new ArrayList<>();
      for (Questions question : asked) {
        Histogram latency = new ConcurrentHistogram(3);
        long errors = 0;
        for (int i = -Math.max(5, options.queryIterations() / 10);
            i < options.queryIterations();
            i++) {
          String dsl = question.ask().apply(i)[1];
          long started = System.nanoTime();
          int status =
              rest.send("POST", "/" + prefix + "-*/_search", dsl, "application/json").statusCode();
          long micros = (System.nanoTime() - started) / 1000;
          if (i >= 0) {
            errors += status == 200 ? 0 : 1;
            latency.recordValue(Math.max(1, micros));
          }
        }
        queries.add(new Query(question.name(), latency, latency, errors));
      }
      return new Peer(ingest, queries);
    }
  }

  /** The baseline's bodies for indices named {@code prefix}-…, with their template and indices. */
  private static List<byte[]> load(OpenSearchRest rest, Exported baseline, String prefix)
      throws IOException, InterruptedException {
    rest.call("PUT", "/_index_template/" + prefix, forElasticsearch(baseline.template(), prefix));
    for (String index : baseline.indices()) {
      rest.call("PUT", "/" + prefix + "-x" + index.substring(DIRECT_INDEX.length()), null);
    }
    List<byte[]> bodies = new ArrayList<>();
    for (byte[] body : baseline.bodies()) {
      bodies.add(
          new String(body, StandardCharsets.UTF_8)
              .replace("\"_index\":\"" + DIRECT_INDEX, "\"_index\":\"" + prefix + "-x")
              .getBytes(StandardCharsets.UTF_8));
    }
    return bodies;
  }

  /**
   * OpenSearch's template in Elasticsearch's words: {@code disable_objects} is {@code subobjects:
   * false}, and {@code strict_allow_templates} (OpenSearch only) becomes {@code true}: new fields
   * that match no template are mapped dynamically instead of refused — none come in this data.
   */
  static String forElasticsearch(ObjectNode template, String prefix) {
    ObjectNode copy = template.deepCopy();
    copy.putArray("index_patterns").add(prefix + "-*");
    ObjectNode mappings = (ObjectNode) copy.path("template").path("mappings");
    if (mappings.has("disable_objects")) {
      mappings.remove("disable_objects");
      mappings.put("subobjects", false);
    }
    if ("strict_allow_templates".equals(mappings.path("dynamic").asText())) {
      mappings.put("dynamic", "true");
    }
    return copy.toString();
  }

  private static LoadGenerator generator(long records, IntFunction<Generator> generators) {
    return new LoadGenerator(
        new LoadGenerator.Plan(Signal.LOGS, 4, 500, records, 0, Long.MAX_VALUE, (int) records),
        generators);
  }

  /** CPU seconds so far of OpenSearch, Spyglass and this client, in that order. */
  private static double[] cpu(OpenSearchNode node, SpyglassUnderTest spyglass) throws IOException {
    return new double[] {
      treeCpuSeconds(node.process()),
      spyglass.cpuSeconds(),
      SpyglassUnderTest.cpuSeconds(ProcessHandle.current().pid())
    };
  }

  private static String jvm(double[] before, double[] after) {
    return "; its JVM's JIT compilers %.1f CPU-s, garbage collector %.1f CPU-s"
        .formatted(after[0] - before[0], after[1] - before[1]);
  }

  /**
   * CPU seconds so far of the JIT compiler threads and of the garbage collector's threads of every
   * process under {@code root}: warm-up and memory costs rather than work.
   */
  static double[] compilerAndGcSeconds(ProcessHandle root) {
    double[] seconds = new double[2];
    Stream.concat(Stream.of(root), root.descendants())
        .forEach(
            process -> {
              try (Stream<Path> tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                  String stat = Files.readString(task.resolve("stat"));
                  String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                  int kind =
                      name.contains("CompilerThre")
                          ? 0
                          : name.startsWith("GC ") || name.startsWith("G1 ") ? 1 : -1;
                  if (kind >= 0) {
                    seconds[kind] += SpyglassUnderTest.cpuSecondsOfStat(stat);
                  }
                }
              } catch (IOException | RuntimeException gone) {
                // exited meanwhile
              }
            });
    return seconds;
  }

  static double treeCpuSeconds(ProcessHandle root) throws IOException {
    double seconds = 0;
    for (ProcessHandle process :
        (Iterable<ProcessHandle>) Stream.concat(Stream.of(root), root.descendants())::iterator) {
      try {
        seconds += SpyglassUnderTest.cpuSeconds(process.pid());
      } catch (IOException | RuntimeException gone) {
        // a short-lived helper that has exited
      }
    }
    return seconds;
  }

  /**
   * Waits until OpenSearch has confirmed {@code expected} documents from Spyglass (its own {@code
   * spyglass_opensearch_documents_shipped}), then makes them searchable with one refresh — as the
   * direct side does after its last {@code _bulk}. The indices refresh every 30 s by themselves on
   * both sides: at 1 s, how often a segment is written depends on how fast each side goes on two
   * shared cores, and that, not the work per document, would decide the comparison.
   */
  private static void awaitShipped(
      SpyglassUnderTest spyglass, OpenSearchRest rest, String indices, long expected)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (shipped(spyglass) < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Spyglass did not ship " + expected + " within 600 s");
      }
      Thread.sleep(50);
    }
    rest.call("POST", "/" + indices + "/_refresh", null);
    rest.awaitCount(indices, expected);
  }

  private static long shipped(SpyglassUnderTest spyglass) throws IOException, InterruptedException {
    long total = 0;
    for (String line : spyglass.get("/metrics").body().lines().toList()) {
      if (line.startsWith("spyglass_opensearch_documents_shipped")) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** The highest {@code wal.sequence} Spyglass has written so far; -1 for none. */
  private static long lastSequence(OpenSearchRest rest, String indices)
      throws IOException, InterruptedException {
    rest.call("POST", "/" + indices + "/_refresh", null);
    JsonNode hits =
        rest.call(
                "POST",
                "/" + indices + "/_search",
                "{\"size\":1,\"_source\":[\"wal.sequence\"],\"sort\":[{\"wal.sequence\":\"desc\"}]}")
            .path("hits")
            .path("hits");
    return hits.isEmpty() ? -1 : hits.get(0).path("_source").path("wal.sequence").asLong();
  }

  /** The baseline's documents: {@code _bulk} bodies, the indices they go to, their template. */
  record Exported(List<byte[]> bodies, Set<String> indices, ObjectNode template) {}

  /**
   * The documents Spyglass wrote past WAL sequence {@code after}, in the order it wrote them, as
   * {@code _bulk} bodies of {@link #BULK_DOCUMENTS} with their ids into the matching {@code to}
   * indices; creates {@code to}'s template (a copy of Spyglass's) and indices.
   */
  private static Exported export(OpenSearchRest rest, long after, String to)
      throws IOException, InterruptedException {
    String from = SPYGLASS_INDEX;
    ObjectNode template =
        (ObjectNode)
            rest.call("GET", "/_index_template/" + from, null)
                .path("index_templates")
                .path(0)
                .path("index_template");
    template.putArray("index_patterns").add(to + "-*");
    rest.call("PUT", "/_index_template/" + to, template.toString());
    List<byte[]> bodies = new ArrayList<>();
    Set<String> indices = new TreeSet<>();
    JsonNode page =
        rest.call(
            "POST",
            "/" + from + "-*/_search?scroll=2m",
            ("{\"size\":%d,\"query\":{\"range\":{\"wal.sequence\":{\"gt\":%d}}},"
                    + "\"sort\":[{\"wal.sequence\":\"asc\"},{\"wal.position\":\"asc\"}]}")
                .formatted(BULK_DOCUMENTS, after));
    String scroll = page.path("_scroll_id").asText();
    while (page.path("hits").path("hits").size() > 0) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (JsonNode hit : page.path("hits").path("hits")) {
        String index = to + hit.path("_index").asText().substring(from.length());
        indices.add(index);
        body.writeBytes(
            ("{\"index\":{\"_index\":\"" + index + "\",\"_id\":\"" + hit.path("_id").asText())
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes("\"}}\n".getBytes(StandardCharsets.UTF_8));
        body.writeBytes(OpenSearchRest.JSON.writeValueAsBytes(hit.path("_source")));
        body.write('\n');
      }
      bodies.add(body.toByteArray());
      page =
          rest.call(
              "POST", "/_search/scroll", "{\"scroll\":\"2m\",\"scroll_id\":\"" + scroll + "\"}");
      scroll = page.path("_scroll_id").asText(scroll);
    }
    // An open scroll pins the segments it reads: merged-away files would stay on disk.
    rest.call("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + scroll + "\"}");
    for (String index : indices) {
      rest.call("PUT", "/" + index, null);
    }
    return new Exported(bodies, indices, template);
  }

  /** The baseline: the bodies with two concurrent clients, as a bulk loader sends them. */
  private static Ingest direct(
      OpenSearchRest rest, ProcessHandle node, List<byte[]> bodies, String prefix)
      throws Exception {
    String indices = prefix + "-*";
    double before = treeCpuSeconds(node) + selfCpu();
    long[] workBefore = rest.work();
    double[] jvmBefore = compilerAndGcSeconds(node);
    long started = System.nanoTime();
    long docs = send(rest, bodies);
    rest.call("POST", "/" + indices + "/_refresh", null);
    rest.awaitCount(indices, docs);
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpu = treeCpuSeconds(node) + selfCpu() - before;
    String work =
        OpenSearchRest.describe(workBefore, rest.work())
            + jvm(jvmBefore, compilerAndGcSeconds(node));
    long[] store = rest.mergedStore(indices);
    return new Ingest(docs, seconds, cpu, store[0], store[1], work);
  }

  private static long send(OpenSearchRest rest, List<byte[]> bodies) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Exception> failures = new CopyOnWriteArrayList<>();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      clients.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = next.getAndIncrement();
                        i < bodies.size() && failures.isEmpty();
                        i = next.getAndIncrement()) {
                      try {
                        rest.bulk(bodies.get(i));
                      } catch (Exception e) {
                        failures.add(e);
                      }
                    }
                  }));
    }
    for (Thread client : clients) {
      client.join();
    }
    if (!failures.isEmpty()) {
      throw failures.getFirst();
    }
    long docs = 0;
    for (byte[] body : bodies) {
      for (byte b : body) {
        docs += b == '\n' ? 1 : 0;
      }
    }
    return docs / 2;
  }

  private static double selfCpu() throws IOException {
    return SpyglassUnderTest.cpuSeconds(ProcessHandle.current().pid());
  }

  /** One question: its name, and for iteration i the Spyglass API URL and the DSL body. */
  record Questions(String name, IntFunction<String[]> ask) {}

  /** The query benchmark's questions, as Spyglass API URLs and as OpenSearch DSL. */
  private static List<Questions> questions(List<String> traceIds) {
    long now = System.currentTimeMillis() * 1_000_000L;
    long hour = 3_600_000_000_000L;
    String range = "{\"range\":{\"timestamp\":{\"gte\":%d,\"lte\":%d}}}";
    String day = range.formatted(now - 24 * hour, now);
    SplittableRandom random = new SplittableRandom(5);
    Map<String, IntFunction<String[]>> questions = new LinkedHashMap<>();
    questions.put(
        "term + 1 h range, newest 100",
        i -> {
          int hoursAgo = 1 + Math.floorMod(i * 7, 23);
          String term = QueryBenchmark.TERMS[Math.floorMod(i, QueryBenchmark.TERMS.length)];
          return new String[] {
            "/api/v1/logs/search?limit=100&start=now-%dh&end=now-%dh&q=%s"
                .formatted(hoursAgo + 1, hoursAgo, encode("body:" + term)),
            search(
                100,
                true,
                range.formatted(now - (hoursAgo + 1) * hour, now - hoursAgo * hour),
                "{\"match\":{\"body\":\"" + term + "\"}}",
                "")
          };
        });
    questions.put(
        "phrase, 24 h, newest 100",
        i -> {
          String phrase = QueryBenchmark.PHRASES[Math.floorMod(i, QueryBenchmark.PHRASES.length)];
          return new String[] {
            "/api/v1/logs/search?limit=100&start=now-24h&end=now&q="
                + encode("body:\"" + phrase + "\""),
            search(100, true, day, "{\"match_phrase\":{\"body\":\"" + phrase + "\"}}", "")
          };
        });
    questions.put(
        "24 h histogram by severity (1 h)",
        i ->
            new String[] {
              "/api/v1/logs/aggregate?group_by=severity_text&interval=1h&start=now-24h&end=now",
              search(
                  0,
                  false,
                  day,
                  null,
                  ",\"aggs\":{\"severity\":{\"terms\":{\"field\":\"severity_text\"},\"aggs\":"
                      + "{\"time\":{\"date_histogram\":{\"field\":\"@timestamp\","
                      + "\"fixed_interval\":\"1h\"}}}}}")
            });
    questions.put(
        "top 10 services, 24 h",
        i ->
            new String[] {
              "/api/v1/logs/aggregate?group_by=service.name&size=10&start=now-24h&end=now",
              search(
                  0,
                  false,
                  day,
                  null,
                  ",\"aggs\":{\"services\":{\"terms\":{\"field\":\"service.name\",\"size\":10}}}")
            });
    questions.put(
        "trace by id",
        i -> {
          String id =
              traceIds.isEmpty()
                  ? "0123456789abcdef0123456789abcdef"
                  : traceIds.get(random.nextInt(traceIds.size()));
          return new String[] {
            "/api/v1/traces/" + id,
            search(1000, false, null, "{\"term\":{\"trace_id\":\"" + id + "\"}}", "")
          };
        });
    List<Questions> all = new ArrayList<>();
    questions.forEach((name, ask) -> all.add(new Questions(name, ask)));
    return all;
  }

  /** Each question through Spyglass's API and directly, one after the other. */
  private static List<Query> queries(
      SpyglassUnderTest spyglass,
      OpenSearchRest rest,
      String indices,
      List<Questions> questions,
      int iterations)
      throws Exception {
    List<Query> results = new ArrayList<>();
    for (Questions question : questions) {
      Histogram viaSpyglass = new ConcurrentHistogram(3);
      Histogram direct = new ConcurrentHistogram(3);
      long errors = 0;
      for (int i = -Math.max(5, iterations / 10); i < iterations; i++) {
        String[] asked = question.ask().apply(i);
        long started = System.nanoTime();
        int status = spyglass.get(asked[0]).statusCode();
        long spyglassMicros = (System.nanoTime() - started) / 1000;
        started = System.nanoTime();
        int directStatus =
            rest.send("POST", "/" + indices + "/_search", asked[1], "application/json")
                .statusCode();
        long directMicros = (System.nanoTime() - started) / 1000;
        if (i < 0) {
          continue; // warm-up
        }
        errors += (status == 200 ? 0 : 1) + (directStatus == 200 ? 0 : 1);
        viaSpyglass.recordValue(Math.max(1, spyglassMicros));
        direct.recordValue(Math.max(1, directMicros));
      }
      results.add(new Query(question.name(), viaSpyglass, direct, errors));
    }
    return results;
  }

  private static String search(
      int size, boolean newestFirst, String filter, String must, String aggs) {
    List<String> clauses = new ArrayList<>();
    if (filter != null) {
      clauses.add("\"filter\":[" + filter + "]");
    }
    if (must != null) {
      clauses.add("\"must\":[" + must + "]");
    }
    return "{\"size\":%d,\"track_total_hits\":true%s,\"query\":{\"bool\":{%s}}%s}"
        .formatted(
            size,
            newestFirst ? ",\"sort\":[{\"timestamp\":\"desc\"}]" : "",
            String.join(",", clauses),
            aggs);
  }

  /**
   * The OpenSearch distribution the storage-opensearch build unpacks; unpacked here (by the same
   * Maven execution) the first time.
   */
  static Path distribution(Path home, PrintStream out) throws Exception {
    Path dist = home.resolve("storage-opensearch/target/opensearch-dist");
    if (!Files.isDirectory(dist)) {
      out.println("opensearch: unpacking the OpenSearch distribution (Maven Central) …");
      Process maven =
          new ProcessBuilder(
                  home.resolve("mvnw").toString(),
                  "-B",
                  "-q",
                  "-pl",
                  "storage-opensearch",
                  "dependency:unpack@unpack-opensearch")
              .directory(home.toFile())
              .inheritIO()
              .start();
      if (maven.waitFor() != 0) {
        throw new IllegalStateException("could not unpack the OpenSearch distribution");
      }
    }
    try (Stream<Path> found = Files.list(dist)) {
      return found
          .filter(p -> Files.isDirectory(p.resolve("bin")))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no OpenSearch distribution in " + dist));
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
