package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.spyglass.pipeline.otlp.OtlpJson;
import dev.spyglass.pipeline.service.Service;
import dev.spyglass.proto.query.v1.QueryServiceGrpc;
import dev.spyglass.server.config.ConfigLoader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tenants (issue 20, ADR 0022) ingest interleaved logs and traces over OTLP/gRPC and OTLP/HTTP,
 * under one service name; every read endpoint — search through its cursors, export, fields,
 * aggregate, patterns, traces, the Jaeger HTTP endpoints (v1 and v3), the gRPC query service —
 * shows each only its own records, asserted by record id. A token bound to one tenant cannot claim
 * another; data and reads without a tenant are refused.
 */
class TenantIsolationTest {
  private static final int PER_TENANT = 24;
  private static final String OPS = "ops-token-unbound-0001";
  private static final Map<String, String> TOKENS =
      Map.of("tenant-a", "a-token-000000000001", "tenant-b", "b-token-000000000002");
  private static final Pattern MARK = Pattern.compile("rec-(tenant-[ab])-(\\d{4})");
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static Service service;
  private static int api;
  private static int http;
  private static int grpc;
  private static final HttpClient client = HttpClient.newHttpClient();
  private static final Map<String, List<String>> traceIds = new java.util.HashMap<>();

  @BeforeAll
  static void ingestInterleaved() throws Exception {
    api = SpyglassProcess.freePort();
    http = SpyglassProcess.freePort();
    grpc = SpyglassProcess.freePort();
    String yaml =
        """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:%d }
              http: { endpoint: 127.0.0.1:%d }
        exporters:
          spyglass:
            path: %s
            refresh_interval: 100ms
            multitenancy: { enabled: true }
        extensions:
          api:
            endpoint: 127.0.0.1:%d
            snapshots: { directory: %s }
            auth:
              tokens:
                - { name: ops, token: %s, role: admin }
                - { name: a, token: %s, tenant: tenant-a }
                - { name: b, token: %s, tenant: tenant-b }
        service:
          extensions: [api]
          pipelines:
            logs: { receivers: [otlp], processors: [batch], exporters: [spyglass] }
            traces: { receivers: [otlp], processors: [batch], exporters: [spyglass] }
            metrics: { receivers: [otlp], processors: [batch], exporters: [spyglass] }
        processors:
          batch: { timeout: 50ms }
        """
            .formatted(
                grpc,
                http,
                dir.resolve("data"),
                api,
                dir.resolve("snapshots"),
                OPS,
                TOKENS.get("tenant-a"),
                TOKENS.get("tenant-b"));
    service =
        Service.create(
            ConfigLoader.create(ComponentRegistry.factories()).parse(yaml, "test.yaml"),
            ComponentRegistry.factories(),
            MeterProvider.noop());
    service.start();

    OtlpGrpcLogRecordExporter grpcLogs =
        OtlpGrpcLogRecordExporter.builder()
            .setEndpoint("http://127.0.0.1:" + grpc)
            .addHeader("X-Scope-OrgID", "tenant-b")
            .build();
    TraceServiceGrpc.TraceServiceBlockingStub grpcTraces =
        GrpcClients.builder("http://127.0.0.1:" + grpc)
            .addHeader("x-scope-orgid", "tenant-a")
            .build(TraceServiceGrpc.TraceServiceBlockingStub.class);
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < PER_TENANT; i++) {
      // Logs: tenant-a over HTTP, tenant-b over gRPC (the OTel Java SDK's exporter).
      assertThat(post("logs", "tenant-a", logJson("tenant-a", i, now))).isEqualTo(200);
      assertThat(
              grpcLogs
                  .export(List.of(logRecord("tenant-b", i, now)))
                  .join(10, TimeUnit.SECONDS)
                  .isSuccess())
          .isTrue();
      // Traces: tenant-a over gRPC, tenant-b over HTTP.
      grpcTraces.export(
          OtlpJson.read(
                  traceJson("tenant-a", i, now).getBytes(StandardCharsets.UTF_8),
                  ExportTraceServiceRequest.newBuilder())
              .build());
      assertThat(post("traces", "tenant-b", traceJson("tenant-b", i, now))).isEqualTo(200);
    }
    grpcLogs.shutdown().join(5, TimeUnit.SECONDS);
    for (String tenant : TOKENS.keySet()) {
      assertThat(post("metrics", tenant, gaugeJson(tenant, now))).isEqualTo(200);
    }
    for (String tenant : TOKENS.keySet()) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> ids(searchAll(tenant, "logs")).size() == PER_TENANT);
    }
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.shutdown();
    }
  }

  private static String traceId(String tenant, int i) {
    return String.format("%s%028x", tenant.equals("tenant-a") ? "aaaa" : "bbbb", i + 1);
  }

  private static String logJson(String tenant, int i, long now) {
    return """
        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
         "scopeLogs":[{"logRecords":[{"timeUnixNano":"%d","body":{"stringValue":"rec-%s-%04d payment accepted"},
           "attributes":[{"key":"only.%s","value":{"stringValue":"x"}}]}]}]}]}
        """
        .formatted(now - i * 1_000_000L, tenant, i, tenant.replace('-', '_'));
  }

  private static LogRecordData logRecord(String tenant, int i, long now) {
    return TestLogRecordData.builder()
        .setResource(
            Resource.create(
                Attributes.of(
                    io.opentelemetry.api.common.AttributeKey.stringKey("service.name"),
                    "checkout")))
        .setInstrumentationScopeInfo(InstrumentationScopeInfo.create("tenants"))
        .setBody(String.format("rec-%s-%04d payment accepted", tenant, i))
        .setAttributes(
            Attributes.of(
                io.opentelemetry.api.common.AttributeKey.stringKey(
                    "only." + tenant.replace('-', '_')),
                "x"))
        .setTimestamp(now - i * 1_000_000L, TimeUnit.NANOSECONDS)
        .build();
  }

  private static String traceJson(String tenant, int i, long now) {
    String id = traceId(tenant, i);
    traceIds.computeIfAbsent(tenant, t -> new ArrayList<>()).add(id);
    return """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
         "scopeSpans":[{"spans":[{"traceId":"%s","spanId":"00000000000000a1","name":"rec-%s-%04d",
           "kind":2,"startTimeUnixNano":"%d","endTimeUnixNano":"%d"}]}]}]}
        """
        .formatted(id, tenant, i, now - 5_000_000L, now - 1_000_000L);
  }

  private static String gaugeJson(String tenant, long now) {
    return """
        {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
         "scopeMetrics":[{"metrics":[{"name":"queue.depth","gauge":{"dataPoints":[
           {"timeUnixNano":"%d","asDouble":5,"attributes":[{"key":"owner","value":{"stringValue":"rec-%s-0000"}}]}]}}]}]}]}
        """
        .formatted(now - 2_000_000L, tenant);
  }

  private static int post(String signal, String tenant, String json) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/v1/" + signal))
                .header("Content-Type", "application/json")
                .header("X-Scope-OrgID", tenant)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  /** GETs {@code path} with {@code token} and, unless null, {@code X-Scope-OrgID: tenant}. */
  private static HttpResponse<String> get(String path, String token, String tenant)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + path))
            .header("Authorization", "Bearer " + token);
    if (tenant != null) {
      request.header("X-Scope-OrgID", tenant);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Both ways a tenant's reader reads: its bound token, and the unbound token naming it. */
  private static List<HttpResponse<String>> asTenant(String tenant, String path) throws Exception {
    List<HttpResponse<String>> answers = new ArrayList<>();
    answers.add(get(path, TOKENS.get(tenant), null));
    answers.add(get(path, OPS, tenant));
    for (HttpResponse<String> answer : answers) {
      assertThat(answer.statusCode())
          .as("%s as %s: %s", path, tenant, answer.body())
          .isEqualTo(200);
    }
    return answers;
  }

  /** The record ids in {@code text}, as {@code tenant-a/0007}. */
  private static Set<String> ids(String text) {
    Set<String> found = new TreeSet<>();
    Matcher matcher = MARK.matcher(text);
    while (matcher.find()) {
      found.add(matcher.group(1) + "/" + matcher.group(2));
    }
    return found;
  }

  private static Set<String> expected(String tenant) {
    Set<String> all = new TreeSet<>();
    for (int i = 0; i < PER_TENANT; i++) {
      all.add(String.format("%s/%04d", tenant, i));
    }
    return all;
  }

  private static void onlyOwn(String tenant, String text, String what) {
    Set<String> found = ids(text);
    assertThat(found).as("%s as %s", what, tenant).allMatch(id -> id.startsWith(tenant + "/"));
  }

  /** Every page of a search, 5 records a page, through the cursors; the bodies concatenated. */
  private static String searchAll(String tenant, String signal) throws Exception {
    StringBuilder all = new StringBuilder();
    String cursor = null;
    int pages = 0;
    do {
      String path =
          "/api/v1/"
              + signal
              + "/search?q=*&start=now-1h&end=now%2B1h&limit=5"
              + (cursor == null
                  ? ""
                  : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      HttpResponse<String> page = get(path, TOKENS.get(tenant), null);
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      all.append(page.body());
      JsonNode next = JSON.readTree(page.body()).path("next_cursor");
      cursor = next.isNull() || next.isMissingNode() ? null : next.asText();
    } while (cursor != null && ++pages < 100);
    return all.toString();
  }

  @Test
  void search_throughEveryCursorPage_showsEachTenantOnlyItsOwnRecords() throws Exception {
    for (String tenant : TOKENS.keySet()) {
      assertThat(ids(searchAll(tenant, "logs"))).isEqualTo(expected(tenant));
      assertThat(ids(searchAll(tenant, "spans"))).isEqualTo(expected(tenant));
      for (HttpResponse<String> answer :
          asTenant(tenant, "/api/v1/logs/search?q=payment&start=now-1h&limit=1000")) {
        assertThat(ids(answer.body())).isEqualTo(expected(tenant));
      }
    }
  }

  @Test
  void export_fields_aggregate_patterns_areEachTenantsOwn() throws Exception {
    for (String tenant : TOKENS.keySet()) {
      String other = tenant.equals("tenant-a") ? "tenant-b" : "tenant-a";
      for (String format : List.of("ndjson", "csv", "otlp-json")) {
        for (HttpResponse<String> answer :
            asTenant(tenant, "/api/v1/logs/export?q=*&start=now-1h&format=" + format)) {
          assertThat(ids(answer.body())).as(format).isEqualTo(expected(tenant));
        }
      }
      for (HttpResponse<String> answer : asTenant(tenant, "/api/v1/fields?signal=logs")) {
        assertThat(answer.body())
            .contains("only." + tenant.replace('-', '_'))
            .doesNotContain("only." + other.replace('-', '_'));
      }
      for (HttpResponse<String> answer :
          asTenant(tenant, "/api/v1/logs/aggregate?q=*&start=now-1h&group_by=service.name")) {
        assertThat(JSON.readTree(answer.body()).path("total").asLong()).isEqualTo(PER_TENANT);
      }
      for (HttpResponse<String> answer :
          asTenant(tenant, "/api/v1/logs/patterns?start=now-1h&service=checkout")) {
        onlyOwn(tenant, answer.body(), "patterns");
        assertThat(answer.body()).doesNotContain(other);
        assertThat(JSON.readTree(answer.body()).path("total").asLong()).isEqualTo(PER_TENANT);
      }
    }
  }

  @Test
  void metricQueries_seeTheTenantsSeriesOnly() throws Exception {
    for (String tenant : TOKENS.keySet()) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  get(
                          "/api/v1/metrics/query?name=queue.depth&step=1m&group_by=attributes.owner"
                              + "&start=now-1h&end=now%2B1h",
                          TOKENS.get(tenant), null)
                      .body()
                      .contains("rec-" + tenant + "-0000"));
      for (HttpResponse<String> answer :
          asTenant(
              tenant,
              "/api/v1/metrics/query?name=queue.depth&step=1m&group_by=attributes.owner"
                  + "&start=now-1h&end=now%2B1h")) {
        assertThat(ids(answer.body())).containsExactly(tenant + "/0000");
      }
    }
  }

  @Test
  void tracesAndTheJaegerEndpoints_showOnlyTheTenantsTraces() throws Exception {
    for (String tenant : TOKENS.keySet()) {
      String other = tenant.equals("tenant-a") ? "tenant-b" : "tenant-a";
      String own = traceIds.get(tenant).getFirst();
      String foreign = traceIds.get(other).getFirst();
      for (HttpResponse<String> answer : asTenant(tenant, "/api/v1/traces/" + own)) {
        onlyOwn(tenant, answer.body(), "trace");
      }
      assertThat(get("/api/v1/traces/" + foreign, TOKENS.get(tenant), null).statusCode())
          .isEqualTo(404);
      assertThat(get("/api/traces/" + foreign, TOKENS.get(tenant), null).statusCode())
          .isEqualTo(404);
      assertThat(get("/api/v3/traces/" + foreign, TOKENS.get(tenant), null).statusCode())
          .isEqualTo(404);
      for (HttpResponse<String> answer : asTenant(tenant, "/api/v3/traces/" + own)) {
        onlyOwn(tenant, answer.body(), "api_v3 trace");
      }
      for (HttpResponse<String> answer :
          asTenant(tenant, "/api/traces?service=checkout&limit=100&lookback=1h")) {
        assertThat(ids(answer.body())).isEqualTo(expected(tenant));
      }
      for (HttpResponse<String> answer :
          asTenant(
              tenant,
              "/api/v3/traces?query.service_name=checkout&query.search_depth=100"
                  + "&query.start_time_min=2020-01-01T00:00:00Z"
                  + "&query.start_time_max=2100-01-01T00:00:00Z")) {
        assertThat(ids(answer.body())).isEqualTo(expected(tenant));
      }
      for (HttpResponse<String> answer : asTenant(tenant, "/api/services/checkout/operations")) {
        onlyOwn(tenant, answer.body(), "operations");
        assertThat(ids(answer.body())).hasSize(PER_TENANT);
      }
    }
  }

  @Test
  void theGrpcQueryService_isScopedToo() {
    for (String tenant : TOKENS.keySet()) {
      var stub =
          GrpcClients.builder("http://127.0.0.1:" + api)
              .addHeader("authorization", "Bearer " + TOKENS.get(tenant))
              .build(QueryServiceGrpc.QueryServiceBlockingStub.class);
      var answer =
          stub.search(
              dev.spyglass.proto.query.v1.SearchRequest.newBuilder()
                  .setSignal(dev.spyglass.proto.query.v1.Signal.SIGNAL_LOGS)
                  .setQuery("payment")
                  .setLimit(1000)
                  .build());
      assertThat(ids(answer.toString())).isEqualTo(expected(tenant));
    }
  }

  @Test
  void theUi_asksWhichTenant_andShowsThatTenantsRecordsOnly() throws Exception {
    WebUiBrowserTest.browse(api, "tenant", "token=" + OPS, "tenant=tenant-b", "other=tenant-a");
  }

  @Test
  void aSnapshot_holdsTheCallersTenantOnly() throws Exception {
    HttpResponse<String> taken =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + api + "/api/v1/admin/snapshots"))
                .header("Authorization", "Bearer " + OPS)
                .header("X-Scope-OrgID", "tenant-a")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"tenant-a-now\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
    Path restored = dir.resolve("restored-a");
    dev.spyglass.storage.embedded.TelemetryStore.restore(
        Path.of(JSON.readTree(taken.body()).path("path").asText()), restored);
    try (var store =
        dev.spyglass.storage.embedded.TelemetryStore.open(
            dev.spyglass.storage.embedded.StoreConfig.defaults().at(restored),
            org.slf4j.LoggerFactory.getLogger("restored"),
            MeterProvider.noop().get("t"))) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  store
                          .reader()
                          .search(
                              dev.spyglass.storage.SearchRequest.of(
                                  dev.spyglass.pipeline.Signal.LOGS,
                                  "payment",
                                  Long.MIN_VALUE,
                                  Long.MAX_VALUE,
                                  1000))
                          .total()
                      == PER_TENANT);
      String all =
          store
              .reader()
              .search(
                  dev.spyglass.storage.SearchRequest.of(
                      dev.spyglass.pipeline.Signal.LOGS,
                      "payment",
                      Long.MIN_VALUE,
                      Long.MAX_VALUE,
                      1000))
              .records()
              .stream()
              .map(r -> r.toRequest().toString())
              .collect(java.util.stream.Collectors.joining());
      assertThat(ids(all)).isEqualTo(expected("tenant-a"));
    }
  }

  @Test
  void aBoundTokenCannotClaimAnotherTenant_andATenantIsRequired() throws Exception {
    HttpResponse<String> claimed =
        get("/api/v1/logs/search?q=*&start=now-1h", TOKENS.get("tenant-a"), "tenant-b");
    assertThat(claimed.statusCode()).isEqualTo(403);
    assertThat(claimed.body()).contains("wrong_tenant").doesNotContain("rec-tenant-b");
    HttpResponse<String> none = get("/api/v1/logs/search?q=*&start=now-1h", OPS, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).contains("no_tenant");
    HttpResponse<String> malformed = get("/api/v1/logs/search?q=*", OPS, "../etc");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(get("/metrics", TOKENS.get("tenant-a"), null).statusCode()).isEqualTo(403);
    var stub =
        GrpcClients.builder("http://127.0.0.1:" + api)
            .addHeader("authorization", "Bearer " + TOKENS.get("tenant-a"))
            .addHeader("x-scope-orgid", "tenant-b")
            .build(QueryServiceGrpc.QueryServiceBlockingStub.class);
    assertThatThrownBy(
            () ->
                stub.search(
                    dev.spyglass.proto.query.v1.SearchRequest.newBuilder()
                        .setSignal(dev.spyglass.proto.query.v1.Signal.SIGNAL_LOGS)
                        .setQuery("payment")
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void dataWithoutATenant_orWithAMalformedOne_isRefused() throws Exception {
    HttpResponse<String> none =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/v1/logs"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        logJson("tenant-a", 99, System.currentTimeMillis() * 1_000_000L)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(none.body()).contains("X-Scope-OrgID");
    Set<Integer> statuses = new HashSet<>();
    for (String bad : List.of("..", "a/b", "x".repeat(151), "tenant a")) {
      statuses.add(post("logs", bad, logJson("tenant-a", 98, 1)));
    }
    assertThat(statuses).containsOnly(400);
    assertThat(dir.resolve("data/tenants")).isDirectoryNotContaining("glob:**/..*");
  }
}
