package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spyglass.storage.opensearch.OpenSearchNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-node OpenSearch cluster (indices with one replica) behind two Spyglass instances: one node is
 * killed with SIGKILL mid-stream, then one Spyglass process too; queries keep answering while the
 * cluster is yellow, ingest goes on, and every acknowledged record is found exactly once.
 */
class OpenSearchClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir Path dir;

  /** Spyglass's configuration; ports and data directory as text, or as InProcessSpyglass's %n$. */
  private static String config(List<OpenSearchNode> nodes, String otlp, String api, String data) {
    String first = nodes.get(0).url();
    String others =
        nodes.stream().skip(1).map(n -> "\"" + n.url() + "\"").collect(Collectors.joining(", "));
    return """
        receivers:
          otlp: { protocols: { http: { endpoint: 127.0.0.1:%s } } }
        exporters:
          opensearch:
            http: { endpoint: %s, endpoints: [%s], timeout: 10s }
            path: %s
            replicas: 1
            refresh_interval: 200ms
        extensions:
          api: { endpoint: 127.0.0.1:%s, storage: opensearch }
        service:
          extensions: [api]
          pipelines:
            logs: { receivers: [otlp], exporters: [opensearch] }
        """
        .formatted(otlp, first, others, data, api);
  }

  private static int post(int port, String json) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/logs"))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofString(json))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1; // down: the sender tries the next batch later
    }
  }

  private static String batch(String instance, int from, int count) {
    long now = System.currentTimeMillis() * 1_000_000L;
    StringBuilder records = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        records.append(',');
      }
      records.append(
          "{\"timeUnixNano\":\"%d\",\"severityNumber\":9,\"body\":{\"stringValue\":\"%s-%d\"}}"
              .formatted(now + i, instance, from + i));
    }
    return """
        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"%s"}}]},
         "scopeLogs":[{"logRecords":[%s]}]}]}
        """
        .formatted(instance, records);
  }

  /**
   * Sends batches of 20 records to {@code port} until stopped; keeps what was acknowledged. A batch
   * without an answer (the instance died) is not sent again, so that each record has one request:
   * acknowledged ones must be stored exactly once, the others at most once (a client's retry of an
   * unanswered request may store it twice, as in every OTLP backend).
   */
  private static Thread stream(
      String instance, AtomicInteger port, Set<String> acknowledged, AtomicBoolean stop) {
    return Thread.ofPlatform()
        .start(
            () -> {
              int next = 0;
              while (!stop.get()) {
                if (post(port.get(), batch(instance, next, 20)) == 200) {
                  for (int i = 0; i < 20; i++) {
                    acknowledged.add(instance + "-" + (next + i));
                  }
                }
                next += 20;
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
  }

  @Test
  void aNodeKilled_andASpyglassKilled_midStream_loseNothing_andDuplicateNothing() throws Exception {
    String cluster = "spyglass-cluster-" + ProcessHandle.current().pid();
    List<Integer> http = new ArrayList<>();
    List<Integer> transport = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      http.add(OpenSearchNode.freePort());
      transport.add(OpenSearchNode.freePort());
    }
    List<OpenSearchNode> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(
            OpenSearchNode.start(
                cluster, "node-" + i, transport, 3, http.get(i), transport.get(i)));
      }
      nodes.get(0).awaitHealth("green", Duration.ofSeconds(180));

      // Spyglass A in this JVM; Spyglass B as a process of its own, to be killed.
      Path dataA = dir.resolve("a");
      InProcessSpyglass a = new InProcessSpyglass(dataA, config(nodes, "%1$d", "%3$d", "%2$s"));
      int otlpB = SpyglassProcess.freePort();
      int apiB = SpyglassProcess.freePort();
      Path configB = dir.resolve("b.yaml");
      Files.writeString(configB, config(nodes, "" + otlpB, "" + apiB, dir.resolve("b").toString()));
      Path logB = dir.resolve("b.log");
      SpyglassProcess b =
          SpyglassProcess.start(dir, logB, Map.of(), "run", "--config", configB.toString());
      try {
        b.awaitReady(apiB);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger portA = new AtomicInteger(a.otlpHttp);
        AtomicInteger portB = new AtomicInteger(otlpB);
        Thread toA = stream("a", portA, acknowledged, stop);
        Thread toB = stream("b", portB, acknowledged, stop);

        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 400);
        nodes.get(0).kill(); // the first endpoint of both, and maybe the cluster manager
        int before = acknowledged.size();
        // Ingest goes on, and queries answer while the cluster is yellow.
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= before + 400);
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () ->
                    a.get("/api/v1/logs/search?q=service.name:a&start=now-1h&limit=1").statusCode()
                        == 200);
        // Spyglass B dies with SIGKILL and comes back on the same data directory.
        b.kill();
        Thread.sleep(2000);
        b = SpyglassProcess.start(dir, logB, Map.of(), "run", "--config", configB.toString());
        b.awaitReady(apiB);
        int afterRestart = acknowledged.size();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> acknowledged.size() >= afterRestart + 400);
        stop.set(true);
        toA.join();
        toB.join();

        // Every acknowledged record, exactly once, through either instance.
        String all = "/api/v1/logs/export?format=ndjson&start=now-1h&end=now%2B1h&q=*";
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(2))
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  Map<String, Integer> found = new HashMap<>();
                  for (String line : a.get(all).body().split("\n")) {
                    if (!line.isBlank()) {
                      JsonNode record = JSON.readTree(line);
                      found.merge(record.get("body").asText(), 1, Integer::sum);
                    }
                  }
                  assertThat(found.keySet()).containsAll(acknowledged);
                  assertThat(found.values()).allMatch(count -> count == 1);
                });
        String viaB =
            SpyglassProcess.get(apiB, "/api/v1/logs/search?q=service.name:a&start=now-1h&limit=1")
                .body();
        assertThat(JSON.readTree(viaB).get("total").asLong())
            .isPositive(); // any instance answers for all
      } finally {
        b.close();
        a.close();
      }
    } finally {
      for (OpenSearchNode node : nodes) {
        node.close();
      }
    }
  }
}
