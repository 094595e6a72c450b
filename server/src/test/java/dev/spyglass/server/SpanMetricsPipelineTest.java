package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spyglass.server.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spans sent over OTLP/HTTP become RED metrics through the {@code spanmetrics} connector, as a
 * Collector user configures it, and are queryable beside the traces themselves.
 */
class SpanMetricsPipelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String YAML =
      """
      receivers:
        otlp: { protocols: { http: { endpoint: 127.0.0.1:%1$d } } }
      connectors:
        spanmetrics:
          metrics_flush_interval: 200ms
          dimensions:
            - name: http.route
      exporters:
        spyglass: { path: %2$s, refresh_interval: 100ms }
      extensions:
        api: { endpoint: 127.0.0.1:%3$d }
      service:
        extensions: [api]
        pipelines:
          traces: { receivers: [otlp], exporters: [spyglass, spanmetrics] }
          metrics/spanmetrics: { receivers: [spanmetrics], exporters: [spyglass] }
      """;

  @TempDir Path dir;

  private static String randomHex(int bytes) {
    byte[] id = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  private static String span(
      String name, long startNanos, long durationMs, int status, String route) {
    return ("{\"traceId\":\"%s\",\"spanId\":\"%s\",\"name\":\"%s\",\"kind\":2,"
            + "\"startTimeUnixNano\":\"%d\",\"endTimeUnixNano\":\"%d\",\"status\":{\"code\":%d},"
            + "\"attributes\":[{\"key\":\"http.route\",\"value\":{\"stringValue\":\"%s\"}}]}")
        .formatted(
            randomHex(16),
            randomHex(8),
            name,
            startNanos,
            startNanos + durationMs * 1_000_000L,
            status,
            route);
  }

  @Test
  void spans_becomeCallsAndDurationMetrics_queryableByTheirDimensions() throws Exception {
    try (InProcessSpyglass spyglass = new InProcessSpyglass(dir, YAML)) {
      long now = System.currentTimeMillis() * 1_000_000L;
      List<String> spans = new ArrayList<>();
      for (long ms : new long[] {3, 5, 7}) {
        spans.add(span("GET /cart", now, ms, 0, "/cart"));
      }
      spans.add(span("POST /pay", now, 900, 2, "/pay"));
      String body =
          "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"checkout\"}}]},"
              + "\"scopeSpans\":[{\"spans\":["
              + String.join(",", spans)
              + "]}]}]}";
      assertThat(spyglass.sendJson("traces", body)).isEqualTo(200);

      String range = "&step=1h&start=" + (System.currentTimeMillis() - 600_000) + "&end=now";
      String calls =
          "/api/v1/metrics/query?name=traces.span.metrics.calls&agg=max"
              + "&group_by=attributes.span.name,attributes.status.code,attributes.http.route"
              + range;
      Map<String, Double> byName = new HashMap<>();
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                JsonNode result = JSON.readTree(spyglass.get(calls).body());
                byName.clear();
                for (JsonNode series : result.get("series")) {
                  JsonNode labels = series.get("labels");
                  byName.put(
                      labels.get("attributes.span.name").asText()
                          + "|"
                          + labels.get("attributes.status.code").asText()
                          + "|"
                          + labels.get("attributes.http.route").asText(),
                      series.get("points").get(0).get("value").asDouble());
                }
                assertThat(byName)
                    .containsEntry("GET /cart|STATUS_CODE_UNSET|/cart", 3.0)
                    .containsEntry("POST /pay|STATUS_CODE_ERROR|/pay", 1.0);
              });

      JsonNode p50 =
          JSON.readTree(
              spyglass
                  .get(
                      "/api/v1/metrics/query?name=traces.span.metrics.duration&agg=p50"
                          + "&q=service.name:checkout%20AND%20attributes.span.name:%22GET%20%2Fcart%22"
                          + range)
                  .body());
      double median = p50.get("series").get(0).get("points").get(0).get("value").asDouble();
      assertThat(median).isBetween(4.0, 6.0); // 3, 5 and 7 ms in buckets (2,4], (4,6], (6,8]

      spyglass.awaitTotal("/api/v1/spans/search?q=service.name:checkout", 4);
    }
  }

  @Test
  void connectorMistakes_nameTheLine() {
    ConfigLoader loader = ConfigLoader.create(ComponentRegistry.factories());
    String wrongSignal =
        """
        receivers:
          otlp: { protocols: { http: {} } }
        connectors:
          spanmetrics: {}
        exporters:
          spyglass: {}
        service:
          pipelines:
            traces: { receivers: [otlp], exporters: [spanmetrics] }
            logs: { receivers: [spanmetrics], exporters: [spyglass] }
        """;
    assertThatThrownBy(() -> loader.parse(wrongSignal, "c.yaml"))
        .hasMessageContaining(
            "c.yaml:10:25: service.pipelines.logs.receivers[0]: connector 'spanmetrics' does not"
                + " emit logs (it emits [metrics])");
    String badBuckets =
        """
        receivers:
          otlp: { protocols: { http: {} } }
        connectors:
          spanmetrics:
            histogram: { explicit: { buckets: [10ms, 5ms] } }
        exporters:
          spyglass: {}
        service:
          pipelines:
            traces: { receivers: [otlp], exporters: [spanmetrics] }
            metrics: { receivers: [spanmetrics], exporters: [spyglass] }
        """;
    assertThatThrownBy(() -> loader.parse(badBuckets, "c.yaml"))
        .hasMessageContaining("c.yaml:5:")
        .hasMessageContaining("histogram.explicit.buckets[1]: bucket bounds must increase");
  }
}
