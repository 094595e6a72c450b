package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
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
 * The query API against data sent through the real OTLP receiver into the real store: search,
 * highlight, paging, fields, trace trees, the export formats (the OTLP ones replayed into a second
 * Spyglass), JSON errors and the query-of-death corpus.
 */
class QueryApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  @TempDir static Path dir;
  private static InProcessSpyglass spyglass;
  private static long now;

  @BeforeAll
  static void ingest() throws Exception {
    spyglass = new InProcessSpyglass(dir.resolve("a"));
    now = System.currentTimeMillis() * 1_000_000L;
    assertThat(spyglass.sendJson("logs", logs())).isEqualTo(200);
    assertThat(spyglass.sendJson("traces", spans())).isEqualTo(200);
    spyglass.awaitTotal("/api/v1/logs/search", 4);
    spyglass.awaitTotal("/api/v1/spans/search", 3);
  }

  @AfterAll
  static void stop() {
    spyglass.close();
  }

  private static String logs() {
    return """
        {"resourceLogs":[
          {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
           "scopeLogs":[{"scope":{"name":"shop"},"logRecords":[
             {"timeUnixNano":"%d","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"Connection reset by peer"},
              "traceId":"%s","attributes":[{"key":"http.method","value":{"stringValue":"POST"}},{"key":"http.response.status_code","value":{"intValue":"500"}}]},
             {"timeUnixNano":"%d","severityNumber":9,"severityText":"INFO","body":{"stringValue":"payment ok"}},
             {"timeUnixNano":"%d","severityNumber":13,"severityText":"WARN","body":{"stringValue":"retrying connection, attempt 2"}}]}]},
          {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
           "scopeLogs":[{"logRecords":[
             {"timeUnixNano":"%d","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"connection reset while reading cart"}}]}]}]}
        """
        .formatted(
            now - 4_000_000_000L,
            TRACE,
            now - 3_000_000_000L,
            now - 2_000_000_000L,
            now - 1_000_000_000L);
  }

  private static String spans() {
    return """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
          "scopeSpans":[{"spans":[
            {"traceId":"%s","spanId":"0000000000000002","parentSpanId":"0000000000000001","name":"charge card","kind":3,
             "startTimeUnixNano":"%d","endTimeUnixNano":"%d","status":{"code":2,"message":"declined"}},
            {"traceId":"%s","spanId":"0000000000000001","name":"GET /checkout","kind":2,
             "startTimeUnixNano":"%d","endTimeUnixNano":"%d"},
            {"traceId":"%s","spanId":"0000000000000009","parentSpanId":"00000000000000ff","name":"late callback","kind":1,
             "startTimeUnixNano":"%d","endTimeUnixNano":"%d"}]}]}]}
        """
        .formatted(
            TRACE,
            now - 4_500_000_000L,
            now - 4_200_000_000L,
            TRACE,
            now - 5_000_000_000L,
            now - 3_000_000_000L,
            TRACE,
            now - 2_500_000_000L,
            now - 2_400_000_000L);
  }

  private static String q(String query) {
    return URLEncoder.encode(query, StandardCharsets.UTF_8);
  }

  private static JsonNode getJson(String path, int status) throws Exception {
    HttpResponse<String> response = spyglass.get(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return JSON.readTree(response.body());
  }

  @Test
  void search_findsByKeywordSeverityAndPhrase_andHighlights() throws Exception {
    JsonNode result =
        getJson(
            "/api/v1/logs/search?q="
                + q("service.name:checkout AND severity_number:>=17 AND body:\"connection reset\""),
            200);

    assertThat(result.get("total").asLong()).isEqualTo(1);
    JsonNode hit = result.get("hits").get(0);
    assertThat(hit.get("body").asText()).isEqualTo("Connection reset by peer");
    assertThat(hit.get("highlight").get("body").asText())
        .isEqualTo("<em>Connection</em> <em>reset</em> by peer");
    assertThat(hit.get("service.name").asText()).isEqualTo("checkout");
    assertThat(hit.get("severity_text").asText()).isEqualTo("ERROR");
    assertThat(hit.get("trace_id").asText()).isEqualTo(TRACE);
    assertThat(hit.get("attributes").get("http.method").asText()).isEqualTo("POST");
    assertThat(hit.get("attributes").get("http.response.status_code").asLong()).isEqualTo(500);
    assertThat(hit.get("resource").get("service.name").asText()).isEqualTo("checkout");
    assertThat(hit.get("scope").get("name").asText()).isEqualTo("shop");
    assertThat(hit.get("timestamp").asText()).endsWith("Z").contains("T");
    assertThat(result.get("took_ms").isNumber()).isTrue();
    assertThat(result.get("next_cursor").isNull()).isTrue();
  }

  @Test
  void search_isCaseSensitiveOnKeywords_andFullTextOnBody() throws Exception {
    assertThat(
            getJson("/api/v1/logs/search?q=" + q("service.name:Checkout"), 200)
                .get("total")
                .asLong())
        .isZero();
    assertThat(getJson("/api/v1/logs/search?q=" + q("connection"), 200).get("total").asLong())
        .isEqualTo(3);
    assertThat(
            getJson("/api/v1/logs/search?q=" + q("severity_text:ERROR"), 200).get("total").asLong())
        .isEqualTo(2);
  }

  @Test
  void search_pagesWithACursor_inEitherOrder_andHonoursTheTimeRange() throws Exception {
    List<String> newest = new ArrayList<>();
    String cursor = "";
    do {
      JsonNode page =
          getJson(
              "/api/v1/logs/search?limit=3" + (cursor.isEmpty() ? "" : "&cursor=" + cursor), 200);
      page.get("hits").forEach(h -> newest.add(h.get("body").asText()));
      cursor = page.get("next_cursor").isNull() ? "" : page.get("next_cursor").asText();
    } while (!cursor.isEmpty());
    assertThat(newest)
        .containsExactly(
            "connection reset while reading cart",
            "retrying connection, attempt 2",
            "payment ok",
            "Connection reset by peer");

    JsonNode oldest = getJson("/api/v1/logs/search?sort=oldest&limit=2", 200);
    assertThat(oldest.get("hits").get(0).get("body").asText())
        .isEqualTo("Connection reset by peer");

    long start = (now - 2_500_000_000L) / 1_000_000;
    assertThat(
            getJson("/api/v1/logs/search?start=" + start + "&end=now", 200).get("total").asLong())
        .isEqualTo(2);
    assertThat(getJson("/api/v1/logs/search?start=now-1m", 200).get("total").asLong()).isEqualTo(4);
    assertThat(
            getJson("/api/v1/logs/search?start=2000-01-01T00:00:00Z&end=2000-01-02T00:00:00Z", 200)
                .get("total")
                .asLong())
        .isZero();
  }

  @Test
  void callerMistakes_areJsonErrors() throws Exception {
    assertThat(getJson("/api/v1/logs/search?limit=5000", 400).get("error").get("code").asText())
        .isEqualTo("invalid_limit");
    assertThat(
            getJson("/api/v1/logs/search?start=yesterday", 400)
                .get("error")
                .get("message")
                .asText())
        .contains("RFC 3339");
    assertThat(
            getJson("/api/v1/logs/search?q=" + q("body:(unclosed"), 400)
                .get("error")
                .get("code")
                .asText())
        .isEqualTo("invalid_query");
    assertThat(getJson("/api/v1/logs/search?cursor=nope", 400).get("error").get("code").asText())
        .isEqualTo("invalid_cursor");
    assertThat(getJson("/api/v1/logs/search?sort=random", 400).get("error").get("code").asText())
        .isEqualTo("invalid_sort");
    assertThat(getJson("/api/v1/traces/xyz", 400).get("error").get("code").asText())
        .isEqualTo("invalid_trace_id");
    assertThat(
            getJson("/api/v1/traces/00000000000000000000000000000042", 404)
                .get("error")
                .get("code")
                .asText())
        .isEqualTo("trace_not_found");
    assertThat(getJson("/api/v1/nothing/here", 404).get("error").get("code").asText())
        .isEqualTo("not_found");
    assertThat(getJson("/api/v1/logs/export?format=xml", 400).get("error").get("code").asText())
        .isEqualTo("invalid_format");
  }

  @Test
  void queryOfDeath_isRefusedOrCutOff_andTheServerStaysHealthy() throws Exception {
    List<String> corpus = new ArrayList<>();
    corpus.add("*error"); // a leading wildcard (a bare * is the documented match-all)
    corpus.add("*a*b*c*d*e*");
    corpus.add("body:/[ab]{1000}{1000}/");
    corpus.add("(".repeat(10_000) + "a" + ")".repeat(10_000));
    corpus.add(String.join(" OR ", java.util.Collections.nCopies(5000, "body:x")));
    // Regexes anywhere, and the clause and nesting limits within the 8,192-character limit.
    corpus.add("+/[ab]{1000}{1000}/");
    corpus.add("payment -/[ab]{1000}{1000}/");
    corpus.add("(payment OR (x AND body:/[ab]{1000}{1000}/))");
    corpus.add("body:/.*ment/");
    corpus.add(String.join(" OR ", java.util.Collections.nCopies(1100, "x")));
    corpus.add("(".repeat(33) + "payment" + ")".repeat(33));
    corpus.add("body:" + "x".repeat(1_000_000));
    for (String query : corpus) {
      HttpResponse<String> response = spyglass.get("/api/v1/logs/search?q=" + q(query));
      assertThat(response.statusCode())
          .as("%s… answered %s", query.substring(0, Math.min(30, query.length())), response.body())
          .isBetween(400, 499);
    }
    assertThat(spyglass.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(getJson("/api/v1/logs/search?q=payment", 200).get("total").asLong()).isEqualTo(1);
  }

  @Test
  void openApiDocument_describesEveryEndpoint() throws Exception {
    JsonNode openapi = JSON.readTree(spyglass.get("/api/v1/openapi.json").body());
    assertThat(openapi.get("openapi").asText()).startsWith("3.");
    assertThat(openapi.get("paths").fieldNames())
        .toIterable()
        .contains(
            "/api/v1/{signal}/search",
            "/api/v1/{signal}/aggregate",
            "/api/v1/{signal}/export",
            "/api/v1/traces/{trace_id}",
            "/api/v1/metrics/query",
            "/api/v1/fields",
            "/api/v1/rules",
            "/api/v1/alerts",
            "/api/services",
            "/api/services/{service}/operations",
            "/api/operations",
            "/api/traces",
            "/api/traces/{trace_id}",
            "/api/v3/services",
            "/api/v3/operations",
            "/api/v3/traces",
            "/api/v3/traces/{trace_id}",
            "/api/v3/trace-summaries",
            "/api/v3/dependencies",
            "/api/metrics/{metric}",
            "/api/metrics/minstep",
            "/api/dependencies");
  }

  @Test
  void fields_listWhatTheDataHas() throws Exception {
    JsonNode fields = getJson("/api/v1/fields?signal=logs", 200).get("fields");
    List<String> names = new ArrayList<>();
    fields.forEach(f -> names.add(f.get("name").asText() + ":" + f.get("type").asText()));
    assertThat(names)
        .contains(
            "body:text",
            "service.name:keyword",
            "severity_number:number",
            "timestamp:time",
            "attributes.http.method:keyword",
            "attributes.http.response.status_code#num:number");
  }

  @Test
  void trace_isATree_withOrphansFlagged_andItsLogs() throws Exception {
    JsonNode trace = getJson("/api/v1/traces/" + TRACE.toUpperCase(), 200);

    assertThat(trace.get("span_count").asInt()).isEqualTo(3);
    List<String> order = new ArrayList<>();
    trace
        .get("spans")
        .forEach(
            s ->
                order.add(
                    s.get("name").asText()
                        + "@"
                        + s.get("depth").asInt()
                        + (s.get("orphan").asBoolean() ? "!" : "")));
    assertThat(order).containsExactly("GET /checkout@0", "charge card@1", "late callback@0!");
    assertThat(trace.get("spans").get(1).get("status").get("code").asText()).isEqualTo("error");
    assertThat(trace.get("spans").get(1).get("kind").asText()).isEqualTo("client");
    assertThat(trace.get("spans").get(0).get("duration").asLong()).isEqualTo(2_000_000_000L);
    assertThat(trace.get("logs")).hasSize(1);
    assertThat(trace.get("services").get(0).asText()).isEqualTo("checkout");
  }

  @Test
  void export_ndjsonAndCsv_areStreamedAndParse() throws Exception {
    HttpResponse<String> ndjson =
        spyglass.get("/api/v1/logs/export?format=ndjson&q=" + q("connection"));
    assertThat(ndjson.statusCode()).isEqualTo(200);
    assertThat(ndjson.headers().firstValue("content-type")).hasValue("application/x-ndjson");
    String[] lines = ndjson.body().split("\n");
    assertThat(lines).hasSize(3);
    for (String line : lines) {
      assertThat(JSON.readTree(line).get("body").asText()).containsIgnoringCase("connection");
    }

    HttpResponse<String> csv = spyglass.get("/api/v1/logs/export?format=csv");
    List<List<String>> rows = parseCsv(csv.body());
    assertThat(rows.getFirst())
        .containsExactly(
            "timestamp",
            "service.name",
            "severity_number",
            "severity_text",
            "body",
            "trace_id",
            "span_id",
            "attributes",
            "pattern.id",
            "pattern.template");
    assertThat(rows).hasSize(5);
    assertThat(rows.subList(1, rows.size()))
        .allSatisfy(row -> assertThat(row.get(8)).matches("[0-9a-f]{16}"));
    assertThat(rows)
        .anySatisfy(row -> assertThat(row.get(4)).isEqualTo("retrying connection, attempt 2"));
    assertThat(rows.subList(1, rows.size()))
        .anySatisfy(row -> assertThat(JSON.readTree(row.get(7)).has("http.method")).isTrue());
  }

  @Test
  void export_otlpFormats_replayIntoAnotherSpyglass() throws Exception {
    // patterns=false: the records exactly as received, for a faithful copy.
    HttpResponse<byte[]> proto =
        spyglass.getBytes("/api/v1/logs/export?format=otlp-proto&patterns=false");
    HttpResponse<byte[]> json = spyglass.getBytes("/api/v1/spans/export?format=otlp-json");
    assertThat(ExportLogsServiceRequest.parseFrom(proto.body()).getResourceLogsCount())
        .isEqualTo(4);

    try (InProcessSpyglass second = new InProcessSpyglass(dir.resolve("b"))) {
      assertThat(second.send("logs", "application/x-protobuf", proto.body())).isEqualTo(200);
      assertThat(second.send("traces", "application/json", json.body())).isEqualTo(200);
      second.awaitTotal("/api/v1/logs/search", 4);
      second.awaitTotal("/api/v1/spans/search", 3);
      JsonNode original = JSON.readTree(spyglass.get("/api/v1/traces/" + TRACE).body());
      JsonNode replayed = JSON.readTree(second.get("/api/v1/traces/" + TRACE).body());
      assertThat(replayed.get("spans")).isEqualTo(original.get("spans"));
      assertThat(withoutTook(second.get("/api/v1/logs/search").body()))
          .isEqualTo(withoutTook(spyglass.get("/api/v1/logs/search").body()));
    }
  }

  private static String withoutTook(String json) {
    return json.replaceAll("\"took_ms\":\\d+", "\"took_ms\":0");
  }

  private static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        row.add(cell.toString());
        cell.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        i++;
      } else {
        cell.append(c);
      }
    }
    return rows;
  }
}
