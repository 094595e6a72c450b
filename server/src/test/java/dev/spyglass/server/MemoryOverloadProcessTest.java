package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spyglass in a small heap, behind {@code memory_limiter}, offered three times what it can store:
 * it must stay up, refuse only with retryable statuses, and store every record it acknowledged.
 * Bounded: 3 s of warm-up, a 4 s capacity probe and 12 s of overload. The figures are printed, not
 * asserted.
 */
class MemoryOverloadProcessTest {
  private static final int RECORDS_PER_REQUEST = 1_000;
  private static final int MAX_IN_FLIGHT = 64;

  @TempDir Path dir;

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicLong acknowledged = new AtomicLong();
  private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
  private final AtomicLong refusalsWithoutRetryAfter = new AtomicLong();
  private final java.util.List<Exception> senderFailures =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private static byte[] request() {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    long now = System.currentTimeMillis() * 1_000_000L;
    byte[] filler = new byte[150];
    for (int i = 0; i < RECORDS_PER_REQUEST; i++) {
      ThreadLocalRandom.current().nextBytes(filler);
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(now + i)
              .setSeverityNumberValue(9)
              .setBody(
                  AnyValue.newBuilder()
                      .setStringValue("overload " + ByteString.copyFrom(filler).toStringUtf8())));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue("load"))))
                .addScopeLogs(scope))
        .build()
        .toByteArray();
  }

  private HttpRequest post(int port, byte[] body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/logs"))
        .header("Content-Type", "application/x-protobuf")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  /** Counted off the test thread; asserted on it (a failed assertion there would go unseen). */
  private void count(HttpResponse<Void> response) {
    statuses.computeIfAbsent(response.statusCode(), s -> new AtomicLong()).incrementAndGet();
    if (response.statusCode() == 200) {
      acknowledged.addAndGet(RECORDS_PER_REQUEST);
    } else if (response.headers().firstValue("retry-after").isEmpty()) {
      refusalsWithoutRetryAfter.incrementAndGet();
    }
  }

  private void sendBackToBack(int port, byte[] body, int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Thread[] senders = new Thread[16];
    for (int i = 0; i < senders.length; i++) {
      senders[i] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (System.nanoTime() < end) {
                      try {
                        count(
                            client.send(post(port, body), HttpResponse.BodyHandlers.discarding()));
                      } catch (Exception e) {
                        senderFailures.add(e);
                        return;
                      }
                    }
                  });
    }
    for (Thread sender : senders) {
      sender.join();
    }
    assertThat(senderFailures).as("no request failed in transport").isEmpty();
  }

  @Test
  void threeTimesItsCapacity_isRefusedRetryably_andLosesNothingAcknowledged() throws Exception {
    int api = SpyglassProcess.freePort();
    int otlp = SpyglassProcess.freePort();
    Path config = dir.resolve("spyglass.yaml");
    Files.writeString(
        config,
        """
        receivers:
          otlp: { protocols: { http: { endpoint: 127.0.0.1:%d } } }
        processors:
          memory_limiter: { limit_mib: 110, spike_limit_mib: 30, check_interval: 50ms }
          batch: {}
        exporters:
          spyglass: { path: %s, refresh_interval: 500ms }
        extensions:
          api: { endpoint: 127.0.0.1:%d }
        service:
          extensions: [api]
          pipelines:
            logs: { receivers: [otlp], processors: [memory_limiter, batch], exporters: [spyglass] }
        """
            .formatted(otlp, dir.resolve("data"), api));
    Path log = dir.resolve("spyglass.log");
    byte[] body = request();
    try (SpyglassProcess spyglass =
        SpyglassProcess.start(
            dir,
            log,
            Map.of("JAVA_TOOL_OPTIONS", "-Xmx160m -XX:+ExitOnOutOfMemoryError"),
            "run",
            "--config",
            config.toString())) {
      spyglass.awaitReady(api);

      // Capacity: 16 senders back to back (enough to fill the batch processor's batches), for 3 s
      // to warm up, then 4 s measured.
      sendBackToBack(otlp, body, 3);
      long beforeProbe = acknowledged.get();
      sendBackToBack(otlp, body, 4);
      double capacity = (acknowledged.get() - beforeProbe) / 4.0; // records per second
      long beforeOverload = acknowledged.get();

      // Overload: open loop at three times that, for 12 s.
      double requestsPerSecond = Math.max(1, 3 * capacity / RECORDS_PER_REQUEST);
      Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
      AtomicLong offered = new AtomicLong();
      AtomicLong notSent = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
      ticker.scheduleAtFixedRate(
          () -> {
            offered.incrementAndGet();
            if (!inFlight.tryAcquire()) {
              notSent.incrementAndGet();
              return;
            }
            client
                .sendAsync(post(otlp, body), HttpResponse.BodyHandlers.discarding())
                .whenComplete(
                    (response, error) -> {
                      try {
                        if (error != null) {
                          failed.incrementAndGet();
                        } else {
                          count(response);
                        }
                      } finally {
                        inFlight.release();
                      }
                    });
          },
          0,
          (long) (1e9 / requestsPerSecond),
          TimeUnit.NANOSECONDS);
      Thread.sleep(12_000);
      ticker.shutdownNow();
      assertThat(inFlight.tryAcquire(MAX_IN_FLIGHT, 60, TimeUnit.SECONDS)).isTrue();

      long storedDuringOverload = acknowledged.get() - beforeOverload;
      System.out.printf(
          "overload: capacity %.0f records/s; offered %.1f req/s (%.0f records/s, %.1fx) for 12 s;"
              + " acknowledged %.0f records/s; responses %s; not sent (client in-flight cap) %d;"
              + " transport errors %d; memory_limiter refusal episodes %d%n",
          capacity,
          requestsPerSecond,
          requestsPerSecond * RECORDS_PER_REQUEST,
          requestsPerSecond * RECORDS_PER_REQUEST / capacity,
          storedDuringOverload / 12.0,
          statuses,
          notSent.get(),
          failed.get(),
          Files.readAllLines(log).stream().filter(l -> l.contains("over the soft limit")).count());

      assertThat(spyglass.process().isAlive()).as("spyglass is still running").isTrue();
      assertThat(failed.get()).as("no connection was dropped").isZero();
      assertThat(statuses.keySet()).isSubsetOf(200, 429, 503);
      long refused =
          statuses.getOrDefault(429, new AtomicLong()).get()
              + statuses.getOrDefault(503, new AtomicLong()).get();
      assertThat(refused).as("three times its capacity is refused at least once").isPositive();
      assertThat(refusalsWithoutRetryAfter.get())
          .as("every refusal tells the client when to retry (Retry-After)")
          .isZero();
      long expected = acknowledged.get();
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () ->
                  SpyglassProcess.get(api, "/api/v1/logs/search?q=service.name:load&limit=1")
                      .body()
                      .startsWith("{\"total\":" + expected + ","));
      assertThat(Files.readString(log)).doesNotContain("java.lang.OutOfMemoryError");
    }
  }
}
