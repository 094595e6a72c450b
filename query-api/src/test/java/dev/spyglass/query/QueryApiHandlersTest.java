package dev.spyglass.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.Cursor;
import dev.spyglass.storage.ExportRequest;
import dev.spyglass.storage.InvalidQueryException;
import dev.spyglass.storage.Measure;
import dev.spyglass.storage.MetricQuery;
import dev.spyglass.storage.MetricSeries;
import dev.spyglass.storage.RecordOrigin;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredSpan;
import dev.spyglass.storage.TelemetryReader;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The query API's handlers over real HTTP, against the in-memory reader: what each endpoint asks
 * the storage contract for, and how it writes the answer — partial results, errors, no store.
 */
class QueryApiHandlersTest {
  private static final long T0 = 1_763_700_000_000_000_000L; // 2025-11-21T04:40:00Z
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final AtomicReference<Optional<TelemetryReader>> READER =
      new AtomicReference<>(Optional.empty());
  private static Server server;
  private InMemoryReader reader;

  @BeforeAll
  static void startServer() {
    ServerBuilder builder = Server.builder().http(0);
    QueryApi.addTo(
        builder,
        READER::get,
        Duration.ofSeconds(7),
        io.opentelemetry.api.metrics.MeterProvider.noop().get("test"));
    server = builder.build();
    server.start().join();
  }

  @AfterAll
  static void stopServer() {
    server.stop().join();
  }

  @BeforeEach
  void freshReader() {
    reader = new InMemoryReader();
    READER.set(Optional.of(reader));
  }

  private static RecordOrigin origin(String service) {
    return new RecordOrigin(
        Resource.newBuilder()
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("service.name")
                    .setValue(AnyValue.newBuilder().setStringValue(service)))
            .build(),
        "",
        InstrumentationScope.newBuilder().setName("io.test").build(),
        "");
  }

  private static StoredLog log(long time, String body) {
    return new StoredLog(
        origin("checkout"),
        LogRecord.newBuilder()
            .setTimeUnixNano(time)
            .setSeverityNumberValue(17)
            .setSeverityText("ERROR")
            .setBody(AnyValue.newBuilder().setStringValue(body))
            .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(TRACE)))
            .build(),
        new Cursor(time, 100, 0));
  }

  private static StoredSpan span(long time, String spanId, String parent, String service) {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(TRACE)))
            .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanId)))
            .setName("GET /cart")
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(time)
            .setEndTimeUnixNano(time + 1_000_000);
    if (!parent.isEmpty()) {
      span.setParentSpanId(ByteString.copyFrom(HexFormat.of().parseHex(parent)));
    }
    return new StoredSpan(origin(service), span.build(), new Cursor(time, 200, 0));
  }

  private static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.activeLocalPort() + pathAndQuery))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    return JSON.readTree(response.body());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Test
  void search_asksForHighlightsUnderTheDeadline_andWritesHitsTheirHighlightAndPartial()
      throws Exception {
    reader.records.add(log(T0 + 1, "connection reset by peer"));
    reader.records.add(log(T0 + 2, "connection reset again"));
    reader.highlights = Map.of("body", "connection <em>reset</em> again");

    JsonNode answer =
        json(
            get(
                "/api/v1/logs/search?q="
                    + encode("body:reset")
                    + "&start=2025-11-21T04:00:00Z&end=2025-11-21T05:00:00Z&limit=1"));

    SearchRequest asked = (SearchRequest) reader.requests.getFirst();
    assertThat(asked.signal()).isEqualTo(Signal.LOGS);
    assertThat(asked.query()).isEqualTo("body:reset");
    assertThat(asked.limit()).isEqualTo(1);
    assertThat(asked.highlight()).isTrue();
    assertThat(asked.countTotal()).isTrue();
    assertThat(asked.deadline().atNanos()).isLessThan(Long.MAX_VALUE);
    assertThat(answer.get("total").asLong()).isEqualTo(2);
    assertThat(answer.get("partial").asBoolean()).isFalse();
    JsonNode hit = answer.get("hits").get(0);
    assertThat(hit.get("timestamp").asText()).isEqualTo("2025-11-21T04:40:00.000000002Z");
    assertThat(hit.get("service.name").asText()).isEqualTo("checkout");
    assertThat(hit.get("body").asText()).isEqualTo("connection reset again");
    assertThat(hit.get("trace_id").asText()).isEqualTo(TRACE);
    assertThat(hit.get("highlight").get("body").asText())
        .isEqualTo("connection <em>reset</em> again");

    JsonNode next =
        json(
            get(
                "/api/v1/logs/search?start=2025-11-21T04:00:00Z&end=2025-11-21T05:00:00Z&limit=1"
                    + "&cursor="
                    + answer.get("next_cursor").asText()));
    assertThat(next.get("hits").get(0).get("body").asText()).isEqualTo("connection reset by peer");
    assertThat(((SearchRequest) reader.requests.get(1)).after())
        .contains(new Cursor(T0 + 2, 100, 0));
  }

  @Test
  void readsPastTheirDeadline_answerJsonWithPartialTrue() throws Exception {
    reader.pastDeadline = true;
    reader.aggregation = new AggregationResult(5, 0, List.of(), true);

    HttpResponse<String> search = get("/api/v1/logs/search?q=x");
    assertThat(search.statusCode()).isEqualTo(200);
    assertThat(json(search).get("partial").asBoolean()).isTrue();
    HttpResponse<String> aggregate = get("/api/v1/logs/aggregate?group_by=service.name");
    assertThat(aggregate.statusCode()).isEqualTo(200);
    assertThat(json(aggregate).get("partial").asBoolean()).isTrue();
    HttpResponse<String> services = get("/api/services");
    assertThat(json(services).get("partial").asBoolean()).isTrue();
  }

  @Test
  void whereAPartialAnswerMeansNothing_theDeadlineIsA503JsonError() throws Exception {
    reader.pastDeadline = true;

    HttpResponse<String> export = get("/api/v1/logs/export?format=ndjson");
    assertThat(export.statusCode()).isEqualTo(503);
    assertThat(json(export).get("error").get("code").asText()).isEqualTo("query_timeout");
    HttpResponse<String> trace = get("/api/v1/traces/" + TRACE);
    assertThat(trace.statusCode()).isEqualTo(503);
    assertThat(json(trace).get("error").get("code").asText()).isEqualTo("query_timeout");
    HttpResponse<String> jaeger = get("/api/traces/" + TRACE);
    assertThat(jaeger.statusCode()).isEqualTo(503);
    assertThat(json(jaeger).get("errors").get(0).get("code").asInt()).isEqualTo(503);
  }

  @Test
  void export_streamsEveryPage_asOtlpThatDecodesToTheRecords() throws Exception {
    for (int i = 0; i < 2500; i++) {
      reader.records.add(log(T0 + i, "line " + i));
    }
    HttpResponse<byte[]> response =
        CLIENT.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + server.activeLocalPort()
                            + "/api/v1/logs/export?format=otlp-proto"
                            + "&start=2025-11-21T04:00:00Z&end=2025-11-21T05:00:00Z"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    ExportLogsServiceRequest all = ExportLogsServiceRequest.parseFrom(response.body());
    assertThat(all.getResourceLogsCount()).isEqualTo(2500);
    assertThat(all.getResourceLogs(0).getScopeLogs(0).getLogRecords(0).getBody().getStringValue())
        .isEqualTo("line 2499");
    List<ExportRequest> pages = reader.requests.stream().map(ExportRequest.class::cast).toList();
    assertThat(pages).hasSize(3);
    assertThat(pages.getFirst().deadline().atNanos()).isLessThan(Long.MAX_VALUE);
    assertThat(pages.get(1).after()).contains(new Cursor(T0 + 1500, 100, 0));
  }

  @Test
  void trace_isATreeOfTheReadersSpans_withItsLogs() throws Exception {
    reader.records.add(span(T0, "00000000000000a1", "", "frontend"));
    reader.records.add(span(T0 + 10, "00000000000000b2", "00000000000000a1", "cart"));
    reader.records.add(log(T0 + 11, "cart empty"));

    JsonNode trace = json(get("/api/v1/traces/" + TRACE.toUpperCase()));

    assertThat(trace.get("span_count").asInt()).isEqualTo(2);
    assertThat(trace.get("spans").get(0).get("span_id").asText()).isEqualTo("00000000000000a1");
    assertThat(trace.get("spans").get(1).get("depth").asInt()).isEqualTo(1);
    assertThat(trace.get("logs").get(0).get("body").asText()).isEqualTo("cart empty");
    assertThat(trace.get("services").toString()).isEqualTo("[\"cart\",\"frontend\"]");
    assertThat(trace.get("partial").asBoolean()).isFalse();
  }

  @Test
  void aggregate_asksForTheMeasuresByName_andWritesNoValueAsNull() throws Exception {
    reader.aggregation =
        new AggregationResult(
            3,
            1,
            List.of(
                new AggregationResult.Group(
                    List.of("cart"),
                    new double[] {2, Double.NaN},
                    List.of(new AggregationResult.TimeBucket(T0, new double[] {2, 1.5})))),
            false);

    JsonNode answer =
        json(
            get(
                "/api/v1/spans/aggregate?group_by=service.name&interval=1m&size=1&metrics="
                    + encode("count,p95(duration)")
                    + "&start=2025-11-21T04:40:00Z&end=2025-11-21T04:40:30Z"));

    AggregationRequest asked = (AggregationRequest) reader.requests.getFirst();
    assertThat(asked.signal()).isEqualTo(Signal.TRACES);
    assertThat(asked.groupBy()).containsExactly("service.name");
    assertThat(asked.intervalNanos()).isEqualTo(60_000_000_000L);
    assertThat(asked.size()).isEqualTo(1);
    assertThat(asked.measures())
        .containsExactly(
            Measure.of(Measure.Function.COUNT), new Measure(Measure.Function.P95, "duration"));
    JsonNode bucket = answer.get("buckets").get(0);
    assertThat(bucket.get("key").get("service.name").asText()).isEqualTo("cart");
    assertThat(bucket.get("count").asLong()).isEqualTo(2);
    assertThat(bucket.get("p95(duration)").isNull()).isTrue();
    assertThat(bucket.get("histogram").get(0).get("p95(duration)").asDouble()).isEqualTo(1.5);
    assertThat(answer.get("other_count").asLong()).isEqualTo(1);
    assertThat(answer.get("interval").asText()).isEqualTo("1m");
  }

  @Test
  void metricsQuery_asksForTheSeries_andWritesTheirPoints() throws Exception {
    reader.series =
        new MetricSeries(
            List.of(
                new MetricSeries.Series(
                    List.of("a"),
                    List.of(
                        new MetricSeries.Point(T0, 4.0),
                        new MetricSeries.Point(T0 + 60, Double.NaN)))),
            false);

    JsonNode answer =
        json(
            get(
                "/api/v1/metrics/query?name=http.server.requests&agg=rate&step=1m"
                    + "&group_by=resource.host.name&start=now-1h&end=now%2B1h"));

    MetricQuery asked = (MetricQuery) reader.requests.getFirst();
    assertThat(asked.name()).isEqualTo("http.server.requests");
    assertThat(asked.aggregation()).isEqualTo(MetricQuery.Aggregation.RATE);
    assertThat(asked.stepNanos()).isEqualTo(60_000_000_000L);
    assertThat(asked.endNanos() - asked.startNanos()).isEqualTo(7_200_000_000_000L);
    JsonNode series = answer.get("series").get(0);
    assertThat(series.get("labels").get("resource.host.name").asText()).isEqualTo("a");
    assertThat(series.get("points").get(0).get("value").asDouble()).isEqualTo(4.0);
    assertThat(series.get("points").get(1).get("value").isNull()).isTrue();
  }

  @Test
  void jaegerEndpoints_readServicesOperationsAndDependencies_inJaegersShapes() throws Exception {
    reader.records.add(span(T0, "00000000000000a1", "", "frontend"));
    reader.dependencies = List.of(new dev.spyglass.storage.Dependency("frontend", "cart", 3));

    assertThat(json(get("/api/services")).get("data").toString()).isEqualTo("[\"frontend\"]");
    assertThat(json(get("/api/operations?service=frontend")).get("data").toString())
        .isEqualTo("[{\"name\":\"GET /cart\",\"spanKind\":\"server\"}]");
    assertThat(json(get("/api/services/frontend/operations")).get("data").toString())
        .isEqualTo("[\"GET /cart\"]");
    JsonNode dependencies = json(get("/api/dependencies?endTs=1763700000000&lookback=3600000"));
    assertThat(dependencies.get("data").toString())
        .isEqualTo("[{\"parent\":\"frontend\",\"child\":\"cart\",\"callCount\":3}]");
    assertThat(dependencies.has("partial")).isFalse();
    assertThat(reader.requests).contains(List.of("dependencies", T0 - 3_600_000_000_000L, T0));
  }

  @Test
  void aQueryTheStoreRefuses_isA400WithTheStoresReason() throws Exception {
    reader.failure = new InvalidQueryException("too_many_clauses", "the query expands to 2000");

    HttpResponse<String> response = get("/api/v1/logs/search?q=" + encode("body:a*"));

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = json(response).get("error");
    assertThat(error.get("code").asText()).isEqualTo("too_many_clauses");
    assertThat(error.get("message").asText()).isEqualTo("the query expands to 2000");
  }

  @Test
  void withoutAStore_everyReadIsA503JsonError() throws Exception {
    READER.set(Optional.empty());

    for (String path :
        List.of(
            "/api/v1/logs/search", "/api/v1/fields", "/api/services", "/api/v1/traces/" + TRACE)) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(503);
      assertThat(json(response).get("error").get("code").asText()).isEqualTo("store_unavailable");
    }
  }

  @Test
  void grpcStreamMessages_stayUnderAMebibyte_whateverTheRecords() {
    List<dev.spyglass.storage.StoredRecord> small = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      small.add(log(T0 + i, "small " + i));
    }
    assertThat(GrpcStreams.chunks(small)).hasSize(1);
    String big = "x".repeat(400_000);
    List<dev.spyglass.storage.StoredRecord> large =
        List.of(log(T0, big), log(T0 + 1, big), log(T0 + 2, big), log(T0 + 3, "x".repeat(3 << 20)));
    List<GrpcStreams.Chunk> chunks = GrpcStreams.chunks(large);
    assertThat(chunks).extracting(GrpcStreams.Chunk::records).containsExactly(2, 1, 1);
  }
}
