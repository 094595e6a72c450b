package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metric time series over data sent through the OTLP receiver into the store. */
class MetricsQueryApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE = 60 * SECOND;
  @TempDir static Path dir;
  private static InProcessSpyglass spyglass;
  private static long base;

  @BeforeAll
  static void ingest() throws Exception {
    spyglass = new InProcessSpyglass(dir);
    base = Math.floorDiv(System.currentTimeMillis() * 1_000_000L, MINUTE) * MINUTE - 10 * MINUTE;
    List<String> points = new ArrayList<>();
    long[][] counter = {{10, 100, 10}, {70, 160, 70}, {130, 40, 130}}; // {seconds, host a, host b}
    for (long[] p : counter) {
      points.add(point(base + p[0] * SECOND, p[1], "a"));
      points.add(point(base + p[0] * SECOND, p[2], "b"));
    }
    String sum =
        "{\"name\":\"http.requests\",\"sum\":{\"isMonotonic\":true,\"aggregationTemporality\":2,\"dataPoints\":["
            + String.join(",", points)
            + "]}}";
    String gauge =
        "{\"name\":\"queue.depth\",\"gauge\":{\"dataPoints\":["
            + point(base + 5 * SECOND, 4, "a")
            + ","
            + point(base + 15 * SECOND, 8, "a")
            + "]}}";
    String histogram =
        ("{\"name\":\"latency\",\"histogram\":{\"aggregationTemporality\":1,\"dataPoints\":[{\"timeUnixNano\":\"%d\","
                + "\"count\":\"10\",\"sum\":500,\"bucketCounts\":[\"2\",\"6\",\"2\"],\"explicitBounds\":[10,100]}]}}")
            .formatted(base + 20 * SECOND);
    String body =
        "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"api\"}}]},"
            + "\"scopeMetrics\":[{\"metrics\":["
            + sum
            + ","
            + gauge
            + ","
            + histogram
            + "]}]}]}";
    assertThat(spyglass.sendJson("metrics", body)).isEqualTo(200);
    spyglass.awaitTotal("/api/v1/metrics/search?start=" + base / 1_000_000 + "&end=now", 9);
  }

  @AfterAll
  static void stop() {
    spyglass.close();
  }

  private static String point(long time, long value, String host) {
    return "{\"timeUnixNano\":\"%d\",\"asInt\":\"%d\",\"attributes\":[{\"key\":\"host\",\"value\":{\"stringValue\":\"%s\"}}]}"
        .formatted(time, value, host);
  }

  private static JsonNode get(String path, int status) throws Exception {
    HttpResponse<String> response = spyglass.get(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }

  private static String range() {
    return "&start=" + base / 1_000_000 + "&end=" + (base + 3 * MINUTE - 1) / 1_000_000;
  }

  private static List<Double> values(JsonNode series) {
    List<Double> values = new ArrayList<>();
    series.get("points").forEach(p -> values.add(p.get("value").asDouble()));
    return values;
  }

  @Test
  void rate_ofACumulativeCounter_perSeries_withAReset() throws Exception {
    JsonNode result =
        get(
            "/api/v1/metrics/query?name=http.requests&agg=rate&step=1m&group_by=attributes.host"
                + range(),
            200);

    assertThat(result.get("step").asText()).isEqualTo("1m");
    JsonNode a = result.get("series").get(0);
    assertThat(a.get("labels").get("attributes.host").asText()).isEqualTo("a");
    assertThat(values(a)).containsExactly(0.0, 1.0, 40 / 60.0);
    assertThat(values(result.get("series").get(1))).containsExactly(0.0, 1.0, 1.0);

    JsonNode total =
        get("/api/v1/metrics/query?name=http.requests&agg=rate&step=1m" + range(), 200);
    assertThat(values(total.get("series").get(0))).containsExactly(0.0, 2.0, 100 / 60.0);
  }

  @Test
  void gaugeAggregations_andFilters() throws Exception {
    JsonNode avg = get("/api/v1/metrics/query?name=queue.depth&step=1m" + range(), 200);
    assertThat(values(avg.get("series").get(0))).containsExactly(6.0);
    JsonNode max =
        get(
            "/api/v1/metrics/query?name=queue.depth&agg=max&step=1m&group_by=service.name"
                + range(),
            200);
    assertThat(max.get("series").get(0).get("labels").get("service.name").asText())
        .isEqualTo("api");
    assertThat(values(max.get("series").get(0))).containsExactly(8.0);
    JsonNode none =
        get("/api/v1/metrics/query?name=http.requests&q=attributes.host:c&step=1m" + range(), 200);
    assertThat(none.get("series")).isEmpty();
  }

  @Test
  void percentiles_fromHistogramBuckets() throws Exception {
    JsonNode p50 = get("/api/v1/metrics/query?name=latency&agg=p50&step=1m" + range(), 200);
    assertThat(p50.get("series").get(0).get("points").get(0).get("value").asDouble())
        .isCloseTo(55.0, within(1e-9));
    JsonNode p99 = get("/api/v1/metrics/query?name=latency&agg=p99&step=1m" + range(), 200);
    assertThat(p99.get("series").get(0).get("points").get(0).get("value").asDouble())
        .isEqualTo(100.0);
  }

  @Test
  void mistakes_areJsonErrors() throws Exception {
    assertThat(get("/api/v1/metrics/query", 400).get("error").get("code").asText())
        .isEqualTo("missing_name");
    assertThat(
            get("/api/v1/metrics/query?name=x&agg=median", 400).get("error").get("code").asText())
        .isEqualTo("invalid_agg");
    assertThat(get("/api/v1/metrics/query?name=x&step=1ms", 400).get("error").get("code").asText())
        .isEqualTo("invalid_step");
    // Series are grouped by labels: a span's trace id is none, and says so before reading anything.
    assertThat(
            get("/api/v1/metrics/query?name=x&group_by=trace_id" + range(), 400)
                .get("error")
                .get("code")
                .asText())
        .isEqualTo("invalid_group_by");
    assertThat(
            get("/api/v1/metrics/query?name=x&group_by=attributes.cpu" + range(), 200)
                .get("series"))
        .isEmpty();
  }
}
