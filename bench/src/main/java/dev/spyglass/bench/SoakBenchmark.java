package dev.spyglass.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The soak test of issue 19: Spyglass (the built jar, its own JVM) under OTLP/HTTP load from
 * several senders, {@code kill -9}ed at a random moment, restarted on the same data, again and
 * again. After each restart every record the killed process acknowledged (HTTP 200) is looked up:
 * the last trial's one by one through the export API, the earlier ones by the store's exact total.
 * Reports trials, records acknowledged, lost, duplicated, and how many unacknowledged records
 * survived anyway (allowed: the WAL had them when the process died).
 */
final class SoakBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final int SENDERS = 4;
  private static final int RECORDS_PER_REQUEST = 50;

  record Options(Path home, Path work, int kills, Duration budget, long seed, String heap) {}

  record Report(
      int trials,
      long acknowledged,
      long lost,
      long duplicated,
      long unacknowledgedSurvived,
      double restartP50Seconds,
      double restartMaxSeconds,
      double minutes) {
    void print(PrintStream out) {
      out.printf(
          "soak: %d kill -9 trials in %.1f min; %,d records acknowledged, %d lost, %d duplicated;"
              + " %,d unacknowledged survived; restart p50 %.1f s, max %.1f s%n",
          trials,
          minutes,
          acknowledged,
          lost,
          duplicated,
          unacknowledgedSurvived,
          restartP50Seconds,
          restartMaxSeconds);
    }
  }

  /** One trial's acknowledged records. */
  private record Trial(Set<String> acknowledged) {
    Trial() {
      this(ConcurrentHashMap.newKeySet());
    }
  }

  private SoakBenchmark() {}

  static Report run(Options options, PrintStream out) throws Exception {
    Random random = new Random(options.seed());
    Path data = options.work().resolve("soak-data");
    Path log = options.work().resolve("soak-spyglass.log");
    long started = System.nanoTime();
    long deadline = started + options.budget().toNanos();
    List<Double> restarts = new ArrayList<>();
    long acknowledged = 0;
    long lost = 0;
    long duplicated = 0;
    long survived = 0;
    long expectedTotal = 0;
    int trials = 0;
    Trial previous = null;
    int previousNumber = -1;
    for (int trial = 0; trial <= options.kills(); trial++) {
      long restartStarted = System.nanoTime();
      SpyglassUnderTest spyglass =
          SpyglassUnderTest.start(options.home(), data, options.heap(), null, log);
      if (trial > 0) {
        restarts.add((System.nanoTime() - restartStarted) / 1e9);
      }
      if (previous != null) {
        Map<String, Integer> found = bodies(spyglass, previousNumber);
        for (String body : previous.acknowledged()) {
          if (!found.containsKey(body)) {
            lost++;
            out.printf("trial %d: acknowledged record %s is lost%n", previousNumber, body);
          }
        }
        for (Map.Entry<String, Integer> body : found.entrySet()) {
          if (body.getValue() > 1) {
            duplicated += body.getValue() - 1;
            out.printf("trial %d: %s stored %d times%n", previousNumber, body, body.getValue());
          }
          if (!previous.acknowledged().contains(body.getKey())) {
            survived++;
          }
        }
        expectedTotal += found.values().stream().mapToInt(Integer::intValue).sum();
        long total = total(spyglass);
        if (total != expectedTotal) {
          out.printf(
              "after trial %d: the store holds %d records, %d expected (earlier trials changed)%n",
              previousNumber, total, expectedTotal);
          lost += Math.max(0, expectedTotal - total);
          duplicated += Math.max(0, total - expectedTotal);
          expectedTotal = total;
        }
      }
      if (trial == options.kills() || System.nanoTime() > deadline) {
        spyglass.stop();
        break;
      }
      Trial current = new Trial();
      long loadMillis = 300 + random.nextInt(2_200);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> senders = new ArrayList<>();
      for (int s = 0; s < SENDERS; s++) {
        String prefix = "t" + trial + "-s" + s + "-";
        int number = trial;
        senders.add(
            Thread.ofPlatform().start(() -> send(spyglass.http, number, prefix, current, stop)));
      }
      Thread.sleep(loadMillis);
      spyglass.kill(); // mid-stream: requests in flight are never answered
      stop.set(true);
      for (Thread sender : senders) {
        sender.join();
      }
      acknowledged += current.acknowledged().size();
      trials++;
      previous = current;
      previousNumber = trial;
      if (trials % 10 == 0) {
        out.printf(
            "%d trials, %,d acknowledged, %d lost, %d duplicated (%.1f min)%n",
            trials, acknowledged, lost, duplicated, (System.nanoTime() - started) / 6e10);
      }
    }
    restarts.sort(Double::compare);
    return new Report(
        trials,
        acknowledged,
        lost,
        duplicated,
        survived,
        restarts.isEmpty() ? 0 : restarts.get(restarts.size() / 2),
        restarts.isEmpty() ? 0 : restarts.getLast(),
        (System.nanoTime() - started) / 6e10);
  }

  /** Sends requests of 50 records until stopped or the server is gone. */
  private static void send(int port, int trial, String prefix, Trial into, AtomicBoolean stop) {
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/logs");
    for (int n = 0; !stop.get(); n++) {
      List<String> bodies = new ArrayList<>(RECORDS_PER_REQUEST);
      for (int i = 0; i < RECORDS_PER_REQUEST; i++) {
        bodies.add(prefix + n + "-" + i);
      }
      try {
        HttpResponse<byte[]> answer =
            HTTP.send(
                HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request(trial, bodies)))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() == 200) {
          into.acknowledged().addAll(bodies);
        } else {
          TimeUnit.MILLISECONDS.sleep(100); // 503 under pressure: back off as a client would
        }
      } catch (IOException gone) {
        return; // killed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static byte[] request(int trial, List<String> bodies) {
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (String body : bodies) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(now)
              .setBody(AnyValue.newBuilder().setStringValue(body))
              .addAttributes(
                  KeyValue.newBuilder()
                      .setKey("soak.trial")
                      .setValue(AnyValue.newBuilder().setStringValue(Integer.toString(trial)))));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue("soak"))))
                .addScopeLogs(scope))
        .build()
        .toByteArray();
  }

  /** Every stored body of {@code trial}, with how often it is stored, from the export API. */
  private static Map<String, Integer> bodies(SpyglassUnderTest spyglass, int trial)
      throws IOException, InterruptedException {
    HttpResponse<String> answer =
        spyglass.get(
            "/api/v1/logs/export?format=ndjson&start=now-7d&end="
                + URLEncoder.encode("now+1h", StandardCharsets.UTF_8)
                + "&q="
                + URLEncoder.encode("attributes.soak.trial:" + trial, StandardCharsets.UTF_8));
    if (answer.statusCode() != 200) {
      throw new IOException("export answered " + answer.statusCode() + ": " + answer.body());
    }
    Map<String, Integer> bodies = new HashMap<>();
    for (String line : answer.body().split("\n")) {
      if (!line.isBlank()) {
        JsonNode record = JSON.readTree(line);
        bodies.merge(record.get("body").asText(), 1, Integer::sum);
      }
    }
    return bodies;
  }

  /** How many soak records the store holds (an exact count). */
  private static long total(SpyglassUnderTest spyglass) throws IOException, InterruptedException {
    HttpResponse<String> answer =
        spyglass.get(
            "/api/v1/logs/search?limit=1&start=now-7d&end="
                + URLEncoder.encode("now+1h", StandardCharsets.UTF_8)
                + "&q="
                + URLEncoder.encode("service.name:soak", StandardCharsets.UTF_8));
    if (answer.statusCode() != 200) {
      throw new IOException("search answered " + answer.statusCode() + ": " + answer.body());
    }
    return JSON.readTree(answer.body()).get("total").asLong();
  }
}
