package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * The Jaeger-compatible endpoints, checked against the Jaeger query service's JSON model (what
 * Grafana's Jaeger data source and the Jaeger UI parse), over data sent through the OTLP receiver.
 */
class JaegerApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRACE = "0000000000000000000000000000abcd";
  @TempDir static Path dir;
  private static InProcessSpyglass spyglass;
  private static long now;

  @BeforeAll
  static void ingest() throws Exception {
    spyglass = new InProcessSpyglass(dir);
    now = System.currentTimeMillis() * 1_000_000L;
    String frontend =
        """
        {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"frontend"}},
                                   {"key":"host.name","value":{"stringValue":"web-1"}}]},
         "scopeSpans":[{"scope":{"name":"io.opentelemetry.http","version":"2.1"},"spans":[
           {"traceId":"%s","spanId":"00000000000000a1","name":"GET /checkout","kind":2,
            "startTimeUnixNano":"%d","endTimeUnixNano":"%d",
            "attributes":[{"key":"http.response.status_code","value":{"intValue":"500"}},
                          {"key":"retry","value":{"boolValue":true}}],
            "events":[{"timeUnixNano":"%d","name":"exception","attributes":[{"key":"exception.message","value":{"stringValue":"boom"}}]}],
            "status":{"code":2,"message":"upstream failed"}}]}]}
        """
            .formatted(TRACE, now - 900_000_000L, now - 100_000_000L, now - 500_000_000L);
    String checkout =
        """
        {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
         "scopeSpans":[{"spans":[
           {"traceId":"%s","spanId":"00000000000000b2","parentSpanId":"00000000000000a1","name":"charge","kind":3,
            "startTimeUnixNano":"%d","endTimeUnixNano":"%d",
            "links":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000001"}]},
           {"traceId":"%s","spanId":"00000000000000b3","parentSpanId":"00000000000000a1","name":"POST /pay","kind":2,
            "startTimeUnixNano":"%d","endTimeUnixNano":"%d"}]}]}
        """
            .formatted(
                TRACE,
                now - 800_000_000L,
                now - 700_000_000L,
                TRACE,
                now - 600_000_000L,
                now - 590_000_000L);
    assertThat(
            spyglass.sendJson("traces", "{\"resourceSpans\":[" + frontend + "," + checkout + "]}"))
        .isEqualTo(200);
    spyglass.awaitTotal("/api/v1/spans/search", 3);
  }

  @AfterAll
  static void stop() {
    spyglass.close();
  }

  private static JsonNode get(String path, int status) throws Exception {
    HttpResponse<String> response = spyglass.get(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.has("data")).isTrue();
    assertThat(body.has("errors")).isTrue();
    return body;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  @Test
  void services_andOperations() throws Exception {
    assertThat(texts(get("/api/services", 200).get("data")))
        .containsExactly("checkout", "frontend");
    assertThat(texts(get("/api/services/checkout/operations", 200).get("data")))
        .containsExactly("POST /pay", "charge");
    JsonNode servers = get("/api/operations?service=checkout&spanKind=server", 200).get("data");
    assertThat(servers).hasSize(1);
    assertThat(servers.get(0).get("name").asText()).isEqualTo("POST /pay");
    assertThat(servers.get(0).get("spanKind").asText()).isEqualTo("server");
  }

  @Test
  void findTraces_returnsJaegerTraces() throws Exception {
    long end = now / 1000 + 1_000_000;
    JsonNode data =
        get(
                "/api/traces?service=frontend&limit=20&lookback=1h&end="
                    + end
                    + "&start="
                    + (end - 3_600_000_000L),
                200)
            .get("data");
    assertThat(data).hasSize(1);
    JsonNode trace = data.get(0);
    assertThat(trace.get("traceID").asText()).isEqualTo(TRACE);
    assertThat(trace.get("spans")).hasSize(3);
    for (JsonNode span : trace.get("spans")) {
      assertThat(span.fieldNames())
          .toIterable()
          .contains(
              "traceID",
              "spanID",
              "operationName",
              "references",
              "startTime",
              "duration",
              "tags",
              "logs",
              "processID");
      assertThat(trace.get("processes").has(span.get("processID").asText())).isTrue();
    }
    JsonNode root = find(trace, "GET /checkout");
    assertThat(root.get("startTime").asLong()).isEqualTo((now - 900_000_000L) / 1000);
    assertThat(root.get("duration").asLong()).isEqualTo(800_000);
    assertThat(root.get("references")).isEmpty();
    assertThat(tag(root, "error").get("type").asText()).isEqualTo("bool");
    assertThat(tag(root, "error").get("value").asBoolean()).isTrue();
    assertThat(tag(root, "http.response.status_code").get("type").asText()).isEqualTo("int64");
    assertThat(tag(root, "span.kind").get("value").asText()).isEqualTo("server");
    assertThat(tag(root, "otel.scope.name").get("value").asText())
        .isEqualTo("io.opentelemetry.http");
    assertThat(root.get("logs").get(0).get("fields").get(0).get("value").asText())
        .isEqualTo("exception");
    JsonNode process = trace.get("processes").get(root.get("processID").asText());
    assertThat(process.get("serviceName").asText()).isEqualTo("frontend");
    assertThat(process.get("tags").get(0).get("key").asText()).isEqualTo("host.name");

    JsonNode charge = find(trace, "charge");
    assertThat(charge.get("references").get(0).get("refType").asText()).isEqualTo("CHILD_OF");
    assertThat(charge.get("references").get(0).get("spanID").asText())
        .isEqualTo("00000000000000a1");
    assertThat(charge.get("references").get(1).get("refType").asText()).isEqualTo("FOLLOWS_FROM");
  }

  @Test
  void findTraces_filtersByTagsAndDuration() throws Exception {
    String tags =
        URLEncoder.encode("{\"http.response.status_code\":\"500\"}", StandardCharsets.UTF_8);
    assertThat(get("/api/traces?tags=" + tags, 200).get("data")).hasSize(1);
    assertThat(get("/api/traces?service=checkout&tags=error%3Dtrue", 200).get("data")).isEmpty();
    assertThat(get("/api/traces?service=frontend&tags=error%3Dtrue", 200).get("data")).hasSize(1);
    assertThat(get("/api/traces?service=checkout&minDuration=50ms", 200).get("data")).hasSize(1);
    assertThat(get("/api/traces?service=checkout&minDuration=2s", 200).get("data")).isEmpty();
    assertThat(get("/api/traces?service=nobody", 200).get("data")).isEmpty();
  }

  @Test
  void traceById_withOrWithoutLeadingZeros_and404() throws Exception {
    assertThat(get("/api/traces/" + TRACE, 200).get("data").get(0).get("spans")).hasSize(3);
    assertThat(get("/api/traces/abcd", 200).get("data").get(0).get("traceID").asText())
        .isEqualTo(TRACE);
    JsonNode missing = get("/api/traces/ffff", 404);
    assertThat(missing.get("errors").get(0).get("code").asInt()).isEqualTo(404);
  }

  @Test
  void dependencies_countCallsBetweenServices() throws Exception {
    JsonNode data =
        get("/api/dependencies?endTs=" + (now / 1_000_000 + 1000) + "&lookback=3600000", 200)
            .get("data");
    assertThat(data).hasSize(1);
    assertThat(data.get(0).get("parent").asText()).isEqualTo("frontend");
    assertThat(data.get(0).get("child").asText()).isEqualTo("checkout");
    assertThat(data.get(0).get("callCount").asLong()).isEqualTo(2);
  }

  private static JsonNode find(JsonNode trace, String operation) {
    for (JsonNode span : trace.get("spans")) {
      if (span.get("operationName").asText().equals(operation)) {
        return span;
      }
    }
    throw new AssertionError("no span " + operation);
  }

  private static JsonNode tag(JsonNode span, String key) {
    for (JsonNode tag : span.get("tags")) {
      if (tag.get("key").asText().equals(key)) {
        return tag;
      }
    }
    throw new AssertionError("no tag " + key + " in " + span);
  }
}
