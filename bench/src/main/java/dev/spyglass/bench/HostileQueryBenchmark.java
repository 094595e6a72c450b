package dev.spyglass.bench;

import dev.spyglass.bench.data.LoghubCorpus;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Issue 19's hostile-query figure: the latency of OTLP acknowledgements under a steady ingest,
 * first quiet, then while 8 clients loop the most expensive queries the API accepts by default
 * (prefix and regex expansion, fuzzy terms, 1,000-term disjunctions, sloppy phrases, wide
 * aggregations). The figure is the ratio of the two p99s; the target is at most 2.
 */
final class HostileQueryBenchmark {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Options(
      Path home, Path work, LoghubCorpus corpus, long preload, int seconds, int attackers) {}

  record Phase(
      String name,
      long[] ackMicros,
      Map<Integer, Long> ackStatuses,
      long queries,
      Map<Integer, Long> statuses) {
    double p(double quantile) {
      if (ackMicros.length == 0) {
        return 0;
      }
      return ackMicros[(int) Math.min(ackMicros.length - 1, quantile * ackMicros.length)] / 1000.0;
    }
  }

  record Report(Phase quiet, Phase hostile) {
    double ratio() {
      return hostile.p(0.99) / quiet.p(0.99);
    }

    void print(PrintStream out) {
      for (Phase phase : List.of(quiet, hostile)) {
        out.printf(
            "%-8s %,6d requests answered %s: p50 %.1f ms, p99 %.1f ms; %,d hostile queries"
                + " answered %s%n",
            phase.name(),
            phase.ackMicros().length,
            phase.ackStatuses(),
            phase.p(0.50),
            phase.p(0.99),
            phase.queries(),
            phase.statuses());
      }
      out.printf("ack p99 under hostile queries / quiet: %.2f (target <= 2)%n", ratio());
    }
  }

  private HostileQueryBenchmark() {}

  static Report run(Options options, PrintStream out) throws Exception {
    Path data = options.work().resolve("hostile-data");
    Path log = options.work().resolve("hostile-spyglass.log");
    try (SpyglassUnderTest spyglass =
        SpyglassUnderTest.start(options.home(), data, "2g", null, log)) {
      preload(spyglass, options);
      out.printf("hostile: %,d records loaded%n", options.preload());
      Phase quiet = phase("quiet", spyglass, options, 0);
      Phase hostile = phase("hostile", spyglass, options, options.attackers());
      return new Report(quiet, hostile);
    }
  }

  private static void preload(SpyglassUnderTest spyglass, Options options) throws Exception {
    List<LoghubCorpus.Line> lines = options.corpus().lines();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (long sent = 0; sent < options.preload(); sent += 1000) {
      long first = sent;
      byte[] body =
          request(
              IntStream.range(0, 1000)
                  .mapToObj(i -> lines.get((int) ((first + i) % lines.size())))
                  .toList(),
              now - TimeUnit.MINUTES.toNanos(30) + sent * 1000);
      int status = post(spyglass.http, body);
      if (status != 200) {
        Thread.sleep(200); // pushed back: send it again
        sent -= 1000;
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (total(spyglass) < options.preload() && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
  }

  /** {@code seconds} of steady ingest (100 records every 20 ms), with {@code attackers}. */
  private static Phase phase(
      String name, SpyglassUnderTest spyglass, Options options, int attackers) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong queries = new AtomicLong();
    Map<Integer, Long> statuses = new ConcurrentHashMap<>();
    List<Thread> attacking = new ArrayList<>();
    List<String> hostile = hostileQueries();
    for (int a = 0; a < attackers; a++) {
      int offset = a;
      attacking.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = offset; !stop.get(); i++) {
                      try {
                        int status = spyglass.get(hostile.get(i % hostile.size())).statusCode();
                        statuses.merge(status, 1L, Long::sum);
                        queries.incrementAndGet();
                      } catch (IOException e) {
                        statuses.merge(-1, 1L, Long::sum);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  }));
    }
    if (attackers > 0) {
      Thread.sleep(2000); // let the attack reach full strength
    }
    List<LoghubCorpus.Line> lines = options.corpus().lines();
    List<Long> acks = new ArrayList<>();
    Map<Integer, Long> ackStatuses = new ConcurrentHashMap<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.seconds());
    long next = System.nanoTime();
    int n = 0;
    while (System.nanoTime() < end) {
      int first = n;
      byte[] body =
          request(
              IntStream.range(0, 100).mapToObj(i -> lines.get((first + i) % lines.size())).toList(),
              System.currentTimeMillis() * 1_000_000L);
      long started = System.nanoTime();
      ackStatuses.merge(post(spyglass.http, body), 1L, Long::sum);
      acks.add((System.nanoTime() - started) / 1000);
      n += 100;
      next += TimeUnit.MILLISECONDS.toNanos(20);
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    stop.set(true);
    for (Thread thread : attacking) {
      thread.join();
    }
    long[] sorted = acks.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return new Phase(name, sorted, Map.copyOf(ackStatuses), queries.get(), Map.copyOf(statuses));
  }

  /** The most expensive reads the API accepts with its defaults, each a URL. */
  private static List<String> hostileQueries() {
    String window = "start=now-1h&end=" + enc("now+1h");
    // 1,000 clauses within the 8,192-character limit on q.
    String manyTerms =
        IntStream.range(0, 1000)
            .mapToObj(i -> "w" + i)
            .collect(Collectors.joining(" ", "body:(", ")"));
    List<String> searches =
        List.of(
            "body:e*",
            "body:/[a-z]+[0-9]+.*/",
            "body:connection~2 OR body:failed~2 OR body:session~2",
            manyTerms,
            "body:\"error connection\"~50",
            "NOT body:zzzz",
            "body:[a TO z]");
    List<String> urls = new ArrayList<>();
    for (String q : searches) {
      urls.add("/api/v1/logs/search?limit=1000&" + window + "&q=" + enc(q));
    }
    urls.add(
        "/api/v1/logs/aggregate?"
            + window
            + "&group_by=service.name,severity_text&interval=1s&size=1000&metrics="
            + enc("count,p99(severity_number)"));
    urls.add("/api/v1/logs/patterns?" + window);
    return urls;
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static int post(int port, byte[] body) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/logs"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static byte[] request(List<LoghubCorpus.Line> lines, long timeNanos) {
    ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
    Map<String, List<LoghubCorpus.Line>> byService =
        lines.stream().collect(Collectors.groupingBy(LoghubCorpus.Line::service));
    for (Map.Entry<String, List<LoghubCorpus.Line>> service : byService.entrySet()) {
      ScopeLogs.Builder scope = ScopeLogs.newBuilder();
      for (LoghubCorpus.Line line : service.getValue()) {
        scope.addLogRecords(
            LogRecord.newBuilder()
                .setTimeUnixNano(timeNanos)
                .setSeverityNumberValue(line.severityNumber())
                .setSeverityText(line.severityText())
                .setBody(AnyValue.newBuilder().setStringValue(line.body())));
      }
      request.addResourceLogs(
          ResourceLogs.newBuilder()
              .setResource(
                  Resource.newBuilder()
                      .addAttributes(
                          KeyValue.newBuilder()
                              .setKey("service.name")
                              .setValue(AnyValue.newBuilder().setStringValue(service.getKey()))))
              .addScopeLogs(scope));
    }
    return request.build().toByteArray();
  }

  private static long total(SpyglassUnderTest spyglass) throws IOException, InterruptedException {
    HttpResponse<String> answer =
        spyglass.get("/api/v1/logs/search?limit=1&start=now-2h&end=" + enc("now+1h"));
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(answer.body())
        .get("total")
        .asLong();
  }
}
