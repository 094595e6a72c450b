package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Aggregations over data sent through the OTLP receiver into the store. */
class AggregateApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MINUTE = 60_000_000_000L;
  @TempDir static Path dir;
  private static InProcessSpyglass spyglass;
  private static long base;

  @BeforeAll
  static void ingest() throws Exception {
    spyglass = new InProcessSpyglass(dir);
    base = Math.floorDiv(System.currentTimeMillis() * 1_000_000L, MINUTE) * MINUTE - 10 * MINUTE;
    // Logs: checkout has 3 errors in minute 0 and 1 in minute 2; cart has 1 error in minute 1.
    List<String> logs = new ArrayList<>();
    long[][] checkout = {{0, 17}, {0, 17}, {0, 17}, {0, 9}, {2, 18}};
    for (long[] log : checkout) {
      logs.add(log("checkout", base + log[0] * MINUTE + 1000, log[1]));
    }
    logs.add(log("cart", base + MINUTE + 5, 17));
    assertThat(spyglass.sendJson("logs", envelope("resourceLogs", logs))).isEqualTo(200);
    // Spans: "GET /a" of checkout takes 1..100 ms (100 spans, every 10th an error); cart "GET /b" 5
    // ms.
    StringBuilder spans = new StringBuilder();
    for (int i = 1; i <= 100; i++) {
      spans
          .append(i > 1 ? "," : "")
          .append(span(i, "GET /a", base + i * 1_000_000_000L, i * 1_000_000L, i % 10 == 0));
    }
    String checkoutSpans = resource("checkout", "scopeSpans", "spans", spans.toString());
    String cartSpans =
        resource("cart", "scopeSpans", "spans", span(1000, "GET /b", base, 5_000_000L, false));
    assertThat(
            spyglass.sendJson(
                "traces", "{\"resourceSpans\":[" + checkoutSpans + "," + cartSpans + "]}"))
        .isEqualTo(200);
    assertThat(spyglass.sendJson("metrics", metrics())).isEqualTo(200);
    spyglass.awaitTotal("/api/v1/logs/search?start=" + (base / 1_000_000) + "&end=now", 6);
    spyglass.awaitTotal("/api/v1/spans/search?start=" + (base / 1_000_000) + "&end=now", 101);
    spyglass.awaitTotal("/api/v1/metrics/search?start=" + (base / 1_000_000) + "&end=now", 3);
  }

  @AfterAll
  static void stop() {
    spyglass.close();
  }

  private static String log(String service, long time, long severity) {
    return resource(
        service,
        "scopeLogs",
        "logRecords",
        "{\"timeUnixNano\":\"%d\",\"severityNumber\":%d,\"body\":{\"stringValue\":\"x\"}}"
            .formatted(time, severity));
  }

  private static String span(int id, String name, long start, long duration, boolean error) {
    return ("{\"traceId\":\"%032x\",\"spanId\":\"%016x\",\"name\":\"%s\",\"kind\":2,\"startTimeUnixNano\":\"%d\","
            + "\"endTimeUnixNano\":\"%d\",\"status\":{\"code\":%d}}")
        .formatted(id, id, name, start, start + duration, error ? 2 : 0);
  }

  private static String metrics() {
    String points =
        "{\"timeUnixNano\":\"%d\",\"asDouble\":0.5},{\"timeUnixNano\":\"%d\",\"asDouble\":0.9},{\"timeUnixNano\":\"%d\",\"asDouble\":0.2}"
            .formatted(base, base + MINUTE, base + 2 * MINUTE);
    return "{\"resourceMetrics\":["
        + resource(
            "node",
            "scopeMetrics",
            "metrics",
            "{\"name\":\"cpu\",\"gauge\":{\"dataPoints\":[" + points + "]}}")
        + "]}";
  }

  private static String resource(
      String service, String scopeKey, String recordsKey, String records) {
    return "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\""
        + service
        + "\"}}]},\""
        + scopeKey
        + "\":[{\""
        + recordsKey
        + "\":["
        + records
        + "]}]}";
  }

  private static String envelope(String key, List<String> resources) {
    return "{\"" + key + "\":[" + String.join(",", resources) + "]}";
  }

  private static JsonNode get(String path, int status) throws Exception {
    HttpResponse<String> response = spyglass.get(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }

  private static String range(int minutes) {
    return "&start=" + base / 1_000_000 + "&end=" + (base + minutes * MINUTE - 1) / 1_000_000;
  }

  private static String q(String query) {
    return URLEncoder.encode(query, StandardCharsets.UTF_8);
  }

  @Test
  void errorsPerServicePerMinute() throws Exception {
    JsonNode result =
        get(
            "/api/v1/logs/aggregate?q="
                + q("severity_number:>=17")
                + "&group_by=service.name&interval=1m"
                + range(3),
            200);

    assertThat(result.get("interval").asText()).isEqualTo("1m");
    assertThat(result.get("total").asLong()).isEqualTo(5);
    JsonNode checkout = result.get("buckets").get(0);
    assertThat(checkout.get("key").get("service.name").asText()).isEqualTo("checkout");
    assertThat(checkout.get("count").asLong()).isEqualTo(4);
    List<Long> perMinute = new ArrayList<>();
    checkout.get("histogram").forEach(b -> perMinute.add(b.get("count").asLong()));
    assertThat(perMinute).containsExactly(3L, 0L, 1L);
    JsonNode cart = result.get("buckets").get(1);
    assertThat(cart.get("histogram").get(1).get("count").asLong()).isEqualTo(1);
  }

  @Test
  void redMetrics_fromSpans_perServiceAndOperation() throws Exception {
    JsonNode result =
        get(
            "/api/v1/spans/aggregate?group_by=service.name,name&metrics="
                + q("count,rate,errors,avg(duration),p95(duration),max(duration)")
                + range(3),
            200);

    JsonNode a = result.get("buckets").get(0);
    assertThat(a.get("key").get("service.name").asText()).isEqualTo("checkout");
    assertThat(a.get("key").get("name").asText()).isEqualTo("GET /a");
    assertThat(a.get("count").asLong()).isEqualTo(100);
    assertThat(a.get("errors").asLong()).isEqualTo(10);
    assertThat(a.get("avg(duration)").asDouble()).isEqualTo(50_500_000.0);
    assertThat(a.get("max(duration)").asLong()).isEqualTo(100_000_000L);
    assertThat(a.get("p95(duration)").asDouble()).isCloseTo(95_000_000.0, within(100_000.0));
    assertThat(a.get("rate").asDouble()).isCloseTo(100 / 180.0, within(0.001));
  }

  @Test
  void topN_reportsTheRestAsOther() throws Exception {
    JsonNode result = get("/api/v1/spans/aggregate?group_by=service.name&size=1" + range(3), 200);
    assertThat(result.get("buckets")).hasSize(1);
    assertThat(result.get("other_count").asLong()).isEqualTo(1);
  }

  @Test
  void metricValues_andAutoInterval() throws Exception {
    JsonNode result =
        get(
            "/api/v1/metrics/aggregate?q="
                + q("metric.name:cpu")
                + "&metrics="
                + q("max(value),avg(value)")
                + "&interval=auto"
                + range(3),
            200);
    JsonNode all = result.get("buckets").get(0);
    assertThat(all.get("max(value)").asDouble()).isEqualTo(0.9);
    assertThat(all.get("avg(value)").asDouble()).isCloseTo(1.6 / 3, within(1e-9));
    assertThat(result.get("interval").asText()).isEqualTo("5s");
  }

  @Test
  void mistakes_areJsonErrors() throws Exception {
    assertThat(
            get("/api/v1/spans/aggregate?metrics=median(duration)", 400)
                .get("error")
                .get("code")
                .asText())
        .isEqualTo("invalid_metric");
    assertThat(
            get("/api/v1/spans/aggregate?metrics=" + q("avg(body)"), 400)
                .get("error")
                .get("code")
                .asText())
        .isEqualTo("invalid_metric");
    assertThat(
            get("/api/v1/spans/aggregate?group_by=trace_id", 400).get("error").get("code").asText())
        .isEqualTo("invalid_group_by");
    assertThat(
            get("/api/v1/spans/aggregate?interval=1s&start=now-30d", 400)
                .get("error")
                .get("code")
                .asText())
        .isEqualTo("too_many_buckets");
  }
}
