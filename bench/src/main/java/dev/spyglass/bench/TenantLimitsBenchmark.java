package dev.spyglass.bench;

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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Issue 20's noisy-neighbour figure: tenant {@code quiet} sends 100 log records every 20 ms and we
 * time each acknowledgement, first alone, then while tenant {@code noisy} — limited to 2,000
 * records/s — sends 1,000-record requests flat out from 4 clients (and is mostly answered 429). The
 * figure is the ratio of quiet's two p99s; the target is at most 2.
 */
final class TenantLimitsBenchmark {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String LIMITS =
      ", multitenancy: { enabled: true, overrides: { noisy: { ingestion_rate: 2000,"
          + " ingestion_burst_size: 2000 } } }";

  record Options(Path home, Path work, int seconds, int noisyClients) {}

  record Phase(String name, long[] ackMicros, Map<Integer, Long> quiet, Map<Integer, Long> noisy) {
    double p(double quantile) {
      return ackMicros.length == 0
          ? 0
          : ackMicros[(int) Math.min(ackMicros.length - 1, quantile * ackMicros.length)] / 1000.0;
    }
  }

  record Report(Phase solo, Phase neighbour) {
    double ratio() {
      return neighbour.p(0.99) / solo.p(0.99);
    }

    void print(PrintStream out) {
      for (Phase phase : List.of(solo, neighbour)) {
        out.printf(
            "%-10s quiet: %,6d requests answered %s, p50 %.1f ms, p99 %.1f ms; noisy answered %s%n",
            phase.name(),
            phase.ackMicros().length,
            phase.quiet(),
            phase.p(0.50),
            phase.p(0.99),
            phase.noisy());
      }
      out.printf(
          "quiet tenant's ack p99 beside a throttled neighbour / alone: %.2f (target <= 2)%n",
          ratio());
    }
  }

  private TenantLimitsBenchmark() {}

  static Report run(Options options, PrintStream out) throws Exception {
    Path data = options.work().resolve("tenants-data");
    Path log = options.work().resolve("tenants-spyglass.log");
    try (SpyglassUnderTest spyglass =
        SpyglassUnderTest.start(options.home(), data, "2g", null, log, LIMITS)) {
      phase("warm-up", spyglass, Math.min(5, options.seconds()), 0);
      Phase solo = phase("alone", spyglass, options.seconds(), 0);
      Phase neighbour = phase("neighbour", spyglass, options.seconds(), options.noisyClients());
      return new Report(solo, neighbour);
    }
  }

  private static Phase phase(String name, SpyglassUnderTest spyglass, int seconds, int noisy)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Map<Integer, Long> noisyStatuses = new ConcurrentHashMap<>();
    List<Thread> clients = new ArrayList<>();
    byte[] big = request("noisy", 1000);
    for (int c = 0; c < noisy; c++) {
      clients.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (!stop.get()) {
                      try {
                        noisyStatuses.merge(post(spyglass.http, "noisy", big), 1L, Long::sum);
                      } catch (IOException e) {
                        noisyStatuses.merge(-1, 1L, Long::sum);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  }));
    }
    if (noisy > 0) {
      Thread.sleep(2000);
    }
    List<Long> acks = new ArrayList<>();
    Map<Integer, Long> quietStatuses = new ConcurrentHashMap<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long next = System.nanoTime();
    while (System.nanoTime() < end) {
      byte[] body = request("quiet", 100);
      long started = System.nanoTime();
      quietStatuses.merge(post(spyglass.http, "quiet", body), 1L, Long::sum);
      acks.add((System.nanoTime() - started) / 1000);
      next += TimeUnit.MILLISECONDS.toNanos(20);
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    stop.set(true);
    for (Thread client : clients) {
      client.join();
    }
    long[] sorted = acks.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return new Phase(name, sorted, Map.copyOf(quietStatuses), Map.copyOf(noisyStatuses));
  }

  private static int post(int port, String tenant, byte[] body)
      throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/logs"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-protobuf")
                .header("X-Scope-OrgID", tenant)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static byte[] request(String tenant, int records) {
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 0; i < records; i++) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(now + i)
              .setSeverityNumberValue(9)
              .setBody(
                  AnyValue.newBuilder()
                      .setStringValue(
                          tenant
                              + " order "
                              + (now / 1000 + i)
                              + " settled in "
                              + (i % 97)
                              + " ms")));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue(tenant + "-api"))))
                .addScopeLogs(scope))
        .build()
        .toByteArray();
  }
}
