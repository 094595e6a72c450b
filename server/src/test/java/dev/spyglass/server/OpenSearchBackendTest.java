package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spyglass.server.config.ConfigLoader;
import dev.spyglass.storage.opensearch.OpenSearchNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spyglass with its store on a real OpenSearch node: the same OTLP front door, the same query API
 * and Jaeger endpoints, configured as the README shows.
 */
class OpenSearchBackendTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static OpenSearchNode node;
  @TempDir Path dir;

  static final String YAML =
      """
      receivers:
        otlp: { protocols: { http: { endpoint: 127.0.0.1:%1$d } } }
      exporters:
        opensearch:
          http: { endpoint: OPENSEARCH }
          path: %2$s
          replicas: 0
          refresh_interval: 100ms
      extensions:
        api: { endpoint: 127.0.0.1:%3$d, storage: opensearch }
      service:
        extensions: [api]
        pipelines:
          logs: { receivers: [otlp], exporters: [opensearch] }
          traces: { receivers: [otlp], exporters: [opensearch] }
      """;

  @BeforeAll
  static void startNode() throws Exception {
    node = OpenSearchNode.start();
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  @Test
  void otlpIn_queryApiAndJaegerOut_throughOpenSearch() throws Exception {
    String yaml = YAML.replace("OPENSEARCH", node.url());
    // The configuration checks as any other does.
    ConfigLoader.create(ComponentRegistry.factories())
        .parse(yaml.formatted(4318, dir.resolve("data"), 8686), "opensearch.yaml");
    try (InProcessSpyglass spyglass = new InProcessSpyglass(dir.resolve("data"), yaml)) {
      long now = System.currentTimeMillis() * 1_000_000L;
      String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
      assertThat(
              spyglass.sendJson(
                  "logs",
                  """
                  {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
                   "scopeLogs":[{"logRecords":[
                     {"timeUnixNano":"%d","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"Connection reset by peer"},"traceId":"%s"},
                     {"timeUnixNano":"%d","severityNumber":9,"body":{"stringValue":"payment ok"}}]}]}]}
                  """
                      .formatted(now - 2_000_000_000L, trace, now - 1_000_000_000L)))
          .isEqualTo(200);
      assertThat(
              spyglass.sendJson(
                  "traces",
                  """
                  {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
                   "scopeSpans":[{"spans":[
                     {"traceId":"%s","spanId":"00f067aa0ba902b7","name":"POST /pay","kind":2,
                      "startTimeUnixNano":"%d","endTimeUnixNano":"%d","status":{"code":2}}]}]}]}
                  """
                      .formatted(trace, now - 3_000_000_000L, now - 1_500_000_000L)))
          .isEqualTo(200);

      String search =
          "/api/v1/logs/search?start=now-1h&end=now&q="
              + URLEncoder.encode(
                  "body:\"connection reset\" AND severity_number:>=17", StandardCharsets.UTF_8);
      await()
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .until(() -> JSON.readTree(spyglass.get(search).body()).get("total").asLong() == 1);
      JsonNode hit = JSON.readTree(spyglass.get(search).body()).get("hits").get(0);
      assertThat(hit.get("body").asText()).isEqualTo("Connection reset by peer");
      assertThat(hit.get("service.name").asText()).isEqualTo("checkout");

      await()
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                JsonNode jaeger = JSON.readTree(spyglass.get("/api/traces/" + trace).body());
                assertThat(jaeger.at("/data/0/spans/0/operationName").asText())
                    .isEqualTo("POST /pay");
              });
      JsonNode services = JSON.readTree(spyglass.get("/api/services").body());
      assertThat(services.get("data")).extracting(JsonNode::asText).containsExactly("checkout");
      JsonNode aggregate =
          JSON.readTree(
              spyglass
                  .get(
                      "/api/v1/spans/aggregate?start=now-1h&group_by=service.name&metrics=count,errors")
                  .body());
      assertThat(aggregate.at("/buckets/0/key/service.name").asText()).isEqualTo("checkout");
      assertThat(spyglass.get("/readyz").statusCode()).isEqualTo(200);
    }
  }
}
