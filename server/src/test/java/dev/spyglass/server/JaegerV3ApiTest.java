package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.spyglass.proto.jaeger.api_v3.FindTraceSummariesRequest;
import dev.spyglass.proto.jaeger.api_v3.FindTracesRequest;
import dev.spyglass.proto.jaeger.api_v3.GetDependenciesRequest;
import dev.spyglass.proto.jaeger.api_v3.GetOperationsRequest;
import dev.spyglass.proto.jaeger.api_v3.GetServicesRequest;
import dev.spyglass.proto.jaeger.api_v3.TraceQueryParameters;
import dev.spyglass.proto.jaeger.api_v3.TraceSummary;
import dev.spyglass.proto.query.v1.AggregateRequest;
import dev.spyglass.proto.query.v1.AggregateResponse;
import dev.spyglass.proto.query.v1.GetTraceRequest;
import dev.spyglass.proto.query.v1.QueryServiceGrpc;
import dev.spyglass.proto.query.v1.Record;
import dev.spyglass.proto.query.v1.SearchRequest;
import dev.spyglass.proto.query.v1.SearchResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jaeger's api_v3 over HTTP, field by field as jaeger-query answers it (jaeger-idl's {@code
 * api_v3/query_service.proto} and the Jaeger UI's client), with spans sent by the OTel Java SDK;
 * and the v2 search by trace ids, its errors, spans a retrying client sent twice, the monitor tab,
 * and Spyglass's gRPC query service (module {@code proto}) from its generated client — every trace
 * client against the same seeded store.
 */
class JaegerV3ApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RETRIED = "0af7651916cd43dd8448eb211c80319c";
  @TempDir static Path dir;
  private static InProcessSpyglass spyglass;
  private static String cartTrace;
  private static String otherTrace;

  @BeforeAll
  static void ingest() throws Exception {
    spyglass = new InProcessSpyglass(dir);
    try (SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "shop")))
            .addSpanProcessor(
                SimpleSpanProcessor.create(
                    OtlpHttpSpanExporter.builder()
                        .setEndpoint("http://127.0.0.1:" + spyglass.otlpHttp + "/v1/traces")
                        .build()))
            .build()) {
      Tracer tracer = tracing.get("shop-http", "1.0");
      Span root =
          tracer
              .spanBuilder("GET /cart")
              .setSpanKind(SpanKind.SERVER)
              .setAttribute("http.route", "/cart")
              .startSpan();
      try (Scope ignored = root.makeCurrent()) {
        tracer.spanBuilder("SELECT cart").setSpanKind(SpanKind.CLIENT).startSpan().end();
        Span failed = tracer.spanBuilder("charge").setSpanKind(SpanKind.CLIENT).startSpan();
        failed.setStatus(StatusCode.ERROR, "declined");
        failed.end();
      }
      root.end();
      Span other = tracer.spanBuilder("GET /health").setSpanKind(SpanKind.SERVER).startSpan();
      other.end();
      cartTrace = root.getSpanContext().getTraceId();
      otherTrace = other.getSpanContext().getTraceId();
      assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
    // A client that did not see the acknowledgement sends the same spans again.
    long now = System.currentTimeMillis() * 1_000_000L;
    String retried =
        """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"batch"}}]},
          "scopeSpans":[{"spans":[
            {"traceId":"%1$s","spanId":"00000000000000a1","name":"run","kind":2,"startTimeUnixNano":"%2$d","endTimeUnixNano":"%3$d"},
            {"traceId":"%1$s","spanId":"00000000000000b2","parentSpanId":"00000000000000a1","name":"step","kind":1,"startTimeUnixNano":"%2$d","endTimeUnixNano":"%3$d"}]}]}]}
        """
            .formatted(RETRIED, now - 2_000_000_000L, now - 1_000_000_000L);
    assertThat(spyglass.sendJson("traces", retried)).isEqualTo(200);
    assertThat(spyglass.sendJson("traces", retried)).isEqualTo(200);
    // For the monitor tab: four calls to pay in one minute, 10–40 ms, one failed.
    long at = now - 120_000_000_000L;
    StringBuilder pay = new StringBuilder();
    for (int i = 1; i <= 4; i++) {
      if (i > 1) {
        pay.append(',');
      }
      pay.append(
          """
          {"traceId":"%032x","spanId":"%016x","name":"%s","kind":2,"startTimeUnixNano":"%d",
           "endTimeUnixNano":"%d","status":{"code":%d}}
          """
              .formatted(
                  0xfeed0 + i,
                  i,
                  i <= 2 ? "POST /pay" : "GET /pay",
                  at,
                  at + i * 10_000_000L,
                  i == 4 ? 2 : 0));
    }
    String monitored =
        """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"pay"}}]},
          "scopeSpans":[{"spans":[%s]}]}]}
        """
            .formatted(pay);
    assertThat(spyglass.sendJson("traces", monitored)).isEqualTo(200);
    spyglass.awaitTotal("/api/v1/spans/search", 12);
  }

  @AfterAll
  static void stop() {
    spyglass.close();
  }

  private static JsonNode get(String path, int status) throws Exception {
    HttpResponse<String> response = spyglass.get(path);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type").orElse("")).contains("json");
    return JSON.readTree(response.body());
  }

  private static String range(String style) {
    Instant now = Instant.now();
    String min = style.equals("camel") ? "query.startTimeMin=" : "query.start_time_min=";
    String max = style.equals("camel") ? "&query.startTimeMax=" : "&query.start_time_max=";
    return min + now.minusSeconds(3600) + max + now.plusSeconds(60);
  }

  private static List<JsonNode> spans(JsonNode result) {
    List<JsonNode> spans = new ArrayList<>();
    for (JsonNode resource : result.get("resourceSpans")) {
      for (JsonNode scope : resource.get("scopeSpans")) {
        scope.get("spans").forEach(spans::add);
      }
    }
    return spans;
  }

  @Test
  void servicesAndOperations() throws Exception {
    JsonNode services = get("/api/v3/services", 200);
    assertThat(services.fieldNames()).toIterable().containsExactly("services");
    assertThat(services.get("services").toString()).isEqualTo("[\"batch\",\"pay\",\"shop\"]");
    JsonNode servers = get("/api/v3/operations?service=shop&span_kind=server", 200);
    assertThat(servers.get("operations").toString())
        .isEqualTo(
            "[{\"name\":\"GET /cart\",\"spanKind\":\"server\"},"
                + "{\"name\":\"GET /health\",\"spanKind\":\"server\"}]");
    assertThat(get("/api/v3/operations?service=shop", 200).get("operations")).hasSize(4);
    JsonNode missing = get("/api/v3/operations", 400).get("error");
    assertThat(missing.get("grpcCode").asInt()).isEqualTo(3);
    assertThat(missing.get("httpCode").asInt()).isEqualTo(400);
    assertThat(missing.get("httpStatus").asText()).isEqualTo("Bad Request");
  }

  @Test
  void getTrace_isOtlpJsonInTheGatewaysResultWrapper() throws Exception {
    JsonNode answer = get("/api/v3/traces/" + cartTrace, 200);
    assertThat(answer.fieldNames()).toIterable().containsExactly("result");
    JsonNode resource = answer.get("result").get("resourceSpans").get(0);
    assertThat(resource.get("resource").get("attributes").toString())
        .contains("{\"key\":\"service.name\",\"value\":{\"stringValue\":\"shop\"}}");
    JsonNode scope = resource.get("scopeSpans").get(0).get("scope");
    assertThat(scope.get("name").asText()).isEqualTo("shop-http");
    assertThat(scope.get("version").asText()).isEqualTo("1.0");
    List<JsonNode> spans = spans(answer.get("result"));
    assertThat(spans).hasSize(3);
    for (JsonNode span : spans) {
      assertThat(span.get("traceId").asText()).isEqualTo(cartTrace); // hex, as OTLP/JSON says
      assertThat(span.get("spanId").asText()).matches("[0-9a-f]{16}");
      assertThat(span.get("startTimeUnixNano").isTextual()).isTrue();
    }
    JsonNode charge =
        spans.stream()
            .filter(s -> s.get("name").asText().equals("charge"))
            .findFirst()
            .orElseThrow();
    assertThat(charge.get("status").get("code").asText()).isEqualTo("STATUS_CODE_ERROR");
    assertThat(charge.get("kind").asText()).isEqualTo("SPAN_KIND_CLIENT");

    JsonNode unknown = get("/api/v3/traces/00000000000000000000000000000bad", 404).get("error");
    assertThat(unknown.get("grpcCode").asInt()).isEqualTo(5);
    assertThat(get("/api/v3/traces/not-an-id", 400).get("error").get("grpcCode").asInt())
        .isEqualTo(3);
  }

  @Test
  void findTraces_byServiceOperationAttributesAndDuration() throws Exception {
    String attributes = URLEncoder.encode("{\"http.route\":\"/cart\"}", StandardCharsets.UTF_8);
    JsonNode found =
        get(
            "/api/v3/traces?query.service_name=shop&query.attributes="
                + attributes
                + "&"
                + range("snake"),
            200);
    assertThat(spans(found.get("result")))
        .hasSize(3)
        .allSatisfy(s -> assertThat(s.get("traceId").asText()).isEqualTo(cartTrace));
    JsonNode byOperation =
        get(
            "/api/v3/traces?query.service_name=shop&query.operation_name=GET%20/health&"
                + range("snake"),
            200);
    assertThat(spans(byOperation.get("result")))
        .singleElement()
        .satisfies(s -> assertThat(s.get("traceId").asText()).isEqualTo(otherTrace));
    JsonNode tooLong =
        get("/api/v3/traces?query.service_name=shop&query.duration_min=1h&" + range("snake"), 200);
    assertThat(tooLong.get("result").get("resourceSpans")).isNull();

    assertThat(
            get("/api/v3/traces?query.service_name=shop", 400).get("error").get("message").asText())
        .contains("start_time_min");
    assertThat(
            get("/api/v3/traces?query.duration_min=soon&" + range("snake"), 400)
                .get("error")
                .get("httpCode")
                .asInt())
        .isEqualTo(400);
    assertThat(
            get("/api/v3/traces?query.attributes=%7Bbroken&" + range("snake"), 400)
                .get("error")
                .get("grpcCode")
                .asInt())
        .isEqualTo(3);
  }

  @Test
  void findTracesAndSummaries_takeTheQueryAsAJsonBodyToo() throws Exception {
    Instant now = Instant.now();
    String body =
        """
        {"query":{"service_name":"shop","operationName":"GET /cart","attributes":{"http.route":"/cart"},
                  "start_time_min":"%s","startTimeMax":"%s","search_depth":5}}
        """
            .formatted(now.minusSeconds(3600), now.plusSeconds(60));
    HttpResponse<String> traces = spyglass.post("/api/v3/traces", body);
    assertThat(traces.statusCode()).as(traces.body()).isEqualTo(200);
    assertThat(spans(JSON.readTree(traces.body()).get("result"))).hasSize(3);
    HttpResponse<String> summaries = spyglass.post("/api/v3/trace-summaries", body);
    assertThat(JSON.readTree(summaries.body()).get("summaries").get(0).get("traceId").asText())
        .isEqualTo(cartTrace);
    HttpResponse<String> broken = spyglass.post("/api/v3/traces", "{\"query\":");
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(broken.body()).get("error").get("grpcCode").asInt()).isEqualTo(3);
  }

  @Test
  void traceSummaries_asTheJaegerUiReadsThem() throws Exception {
    JsonNode answer =
        get(
            "/api/v3/trace-summaries?query.serviceName=shop&query.operationName=GET%20/cart&"
                + range("camel"),
            200);
    assertThat(answer.fieldNames()).toIterable().containsExactly("summaries");
    JsonNode summary = answer.get("summaries").get(0);
    assertThat(answer.get("summaries")).hasSize(1);
    assertThat(summary.get("traceId").asText()).isEqualTo(cartTrace);
    assertThat(summary.get("rootServiceName").asText()).isEqualTo("shop");
    assertThat(summary.get("rootOperationName").asText()).isEqualTo("GET /cart");
    assertThat(summary.get("minStartTimeUnixNano").isTextual()).isTrue();
    assertThat(Long.parseLong(summary.get("maxEndTimeUnixNano").asText()))
        .isGreaterThanOrEqualTo(Long.parseLong(summary.get("minStartTimeUnixNano").asText()));
    assertThat(summary.get("spanCount").asInt()).isEqualTo(3);
    assertThat(summary.get("errorSpanCount").asInt()).isEqualTo(1);
    assertThat(summary.get("orphanSpanCount").asInt()).isZero();
    assertThat(summary.get("services").toString())
        .isEqualTo("[{\"name\":\"shop\",\"spanCount\":3,\"errorSpanCount\":1}]");
    JsonNode deep =
        get(
            "/api/v3/trace-summaries?query.serviceName=shop&query.searchDepth=1&" + range("camel"),
            200);
    assertThat(deep.get("summaries")).hasSize(1);
  }

  @Test
  void v2SearchByTraceIds_returnsExactlyThoseTraces_andBadTagsAreJaegerErrors() throws Exception {
    JsonNode both = get("/api/traces?traceID=" + cartTrace + "&traceID=" + otherTrace, 200);
    List<String> ids = new ArrayList<>();
    both.get("data").forEach(t -> ids.add(t.get("traceID").asText()));
    assertThat(ids).containsExactlyInAnyOrder(cartTrace, otherTrace);
    JsonNode bad = get("/api/traces?service=shop&tags=%7Bnot-json", 400);
    assertThat(bad.get("errors").get(0).get("code").asInt()).isEqualTo(400);
    assertThat(bad.get("errors").get(0).get("msg").asText()).contains("tags");
    assertThat(
            get("/api/traces?service=shop&minDuration=soon", 400)
                .get("errors")
                .get(0)
                .get("msg")
                .asText())
        .contains("minDuration");
  }

  @Test
  void spansSentTwice_areReturnedOnce_byEveryTraceEndpoint() throws Exception {
    assertThat(get("/api/traces/" + RETRIED, 200).get("data").get(0).get("spans")).hasSize(2);
    assertThat(get("/api/traces?traceID=" + RETRIED, 200).get("data").get(0).get("spans"))
        .hasSize(2);
    assertThat(spans(get("/api/v3/traces/" + RETRIED, 200).get("result"))).hasSize(2);
    assertThat(get("/api/v1/traces/" + RETRIED, 200).get("span_count").asInt()).isEqualTo(2);
    JsonNode summary =
        get("/api/v3/trace-summaries?query.serviceName=batch&" + range("camel"), 200)
            .get("summaries")
            .get(0);
    assertThat(summary.get("spanCount").asInt()).isEqualTo(2);
  }

  private static String monitor(String kind, String extra) {
    return "/api/metrics/"
        + kind
        + "?service=pay&endTs="
        + System.currentTimeMillis()
        + "&lookback=600000&step=60000&ratePer=600000&spanKind=server"
        + extra;
  }

  /** The points of every series, as (labels, values that are numbers). */
  private static List<Double> values(JsonNode family) {
    List<Double> values = new ArrayList<>();
    for (JsonNode metric : family.get("metrics")) {
      for (JsonNode point : metric.get("metricPoints")) {
        assertThat(point.get("timestamp").asText()).endsWith("Z");
        JsonNode value = point.get("gaugeValue").get("doubleValue");
        if (value.isNumber()) {
          values.add(value.asDouble());
        } else {
          assertThat(value.asText()).isEqualTo("NaN");
        }
      }
    }
    return values;
  }

  @Test
  void monitorTab_callsErrorsAndLatencies_fromTheStoredSpans() throws Exception {
    JsonNode calls = get(monitor("calls", ""), 200);
    assertThat(calls.get("name").asText()).isEqualTo("service_call_rate");
    assertThat(calls.get("type").asText()).isEqualTo("GAUGE");
    assertThat(calls.get("help").asText()).isEqualTo("calls/sec, grouped by service");
    assertThat(calls.get("metrics").get(0).get("labels").toString())
        .isEqualTo("[{\"name\":\"service_name\",\"value\":\"pay\"}]");
    // A point per minute of the 10, the step buckets aligned to whole minutes.
    assertThat(calls.get("metrics").get(0).get("metricPoints")).hasSizeBetween(10, 11);
    assertThat(values(calls).stream().mapToDouble(v -> v * 60).sum()).isCloseTo(4.0, within(1e-9));

    JsonNode errors = get(monitor("errors", ""), 200);
    assertThat(errors.get("name").asText()).isEqualTo("service_error_rate");
    assertThat(values(errors)).containsExactly(0.25); // minutes without calls are NaN

    JsonNode p75 = get(monitor("latencies", "&quantile=0.75"), 200);
    assertThat(p75.get("name").asText()).isEqualTo("service_latencies");
    assertThat(p75.get("help").asText()).isEqualTo("0.75th quantile latency, grouped by service");
    assertThat(values(p75))
        .singleElement()
        .satisfies(ms -> assertThat(ms).isCloseTo(30.0, within(0.05)));

    JsonNode byOperation = get(monitor("calls", "&groupByOperation=true"), 200);
    assertThat(byOperation.get("name").asText()).isEqualTo("service_operation_call_rate");
    List<String> operations = new ArrayList<>();
    byOperation
        .get("metrics")
        .forEach(m -> operations.add(m.get("labels").get(1).get("value").asText()));
    assertThat(operations).containsExactlyInAnyOrder("POST /pay", "GET /pay");

    assertThat(get("/api/metrics/minstep", 200).get("data").asLong()).isEqualTo(1000);
    assertThat(get("/api/metrics/calls?endTs=1", 400).get("errors").get(0).get("msg").asText())
        .contains("service");
    assertThat(
            get(monitor("latencies", "&quantile=0.42"), 400)
                .get("errors")
                .get(0)
                .get("code")
                .asInt())
        .isEqualTo(400);
    assertThat(get(monitor("latencies", ""), 400).get("errors").get(0).get("msg").asText())
        .contains("quantile");
  }

  @Test
  void grpcGetTrace_fromAGeneratedClient_onTheApiPort() throws Exception {
    QueryServiceGrpc.QueryServiceBlockingStub client =
        GrpcClients.newClient(
            "http://127.0.0.1:" + spyglass.api, QueryServiceGrpc.QueryServiceBlockingStub.class);
    TracesData trace =
        client.getTrace(GetTraceRequest.newBuilder().setTraceId(cartTrace).build()).getTrace();
    List<String> names = new ArrayList<>();
    trace
        .getResourceSpansList()
        .forEach(
            r ->
                r.getScopeSpansList()
                    .forEach(sc -> sc.getSpansList().forEach(sp -> names.add(sp.getName()))));
    assertThat(names).containsExactlyInAnyOrder("GET /cart", "SELECT cart", "charge");
    assertThat(trace.getResourceSpans(0).getScopeSpans(0).getScope().getName())
        .isEqualTo("shop-http");
    // A retried export's spans come back once here too.
    assertThat(
            client
                .getTrace(GetTraceRequest.newBuilder().setTraceId(RETRIED).build())
                .getTrace()
                .getResourceSpans(0)
                .getScopeSpans(0)
                .getSpansCount())
        .isEqualTo(2);
    assertThatThrownBy(
            () -> client.getTrace(GetTraceRequest.newBuilder().setTraceId("nope").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(
            () ->
                client.getTrace(
                    GetTraceRequest.newBuilder()
                        .setTraceId("00000000000000000000000000000bad")
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void grpcSearch_pagesThroughRecordsAsOtlp() throws Exception {
    QueryServiceGrpc.QueryServiceBlockingStub client =
        GrpcClients.newClient(
            "http://127.0.0.1:" + spyglass.api, QueryServiceGrpc.QueryServiceBlockingStub.class);
    SearchRequest request =
        SearchRequest.newBuilder()
            .setSignal(dev.spyglass.proto.query.v1.Signal.SIGNAL_SPANS)
            .setQuery("service.name:pay")
            .setStart("now-1h")
            .setEnd("now+1m")
            .setLimit(3)
            .build();
    SearchResponse first = client.search(request);
    assertThat(first.getTotal()).isEqualTo(4);
    assertThat(first.getRecordsCount()).isEqualTo(3);
    assertThat(first.getNextCursor()).isNotEmpty();
    Record record = first.getRecords(0);
    assertThat(record.hasSpan()).isTrue();
    assertThat(
            record
                .getSpan()
                .getResourceSpans(0)
                .getResource()
                .getAttributes(0)
                .getValue()
                .getStringValue())
        .isEqualTo("pay");
    SearchResponse second =
        client.search(request.toBuilder().setCursor(first.getNextCursor()).build());
    assertThat(second.getRecordsCount()).isEqualTo(1);
    assertThat(second.getNextCursor()).isEmpty();
    // The HTTP API's refusals, as gRPC statuses.
    assertThatThrownBy(() -> client.search(request.toBuilder().setQuery("name:(unclosed").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(
            () ->
                client.search(
                    request.toBuilder()
                        .setSignal(dev.spyglass.proto.query.v1.Signal.SIGNAL_UNSPECIFIED)
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).contains("signal"));
  }

  @Test
  void grpcAggregate_isTheHttpAggregation() throws Exception {
    QueryServiceGrpc.QueryServiceBlockingStub client =
        GrpcClients.newClient(
            "http://127.0.0.1:" + spyglass.api, QueryServiceGrpc.QueryServiceBlockingStub.class);
    AggregateResponse answer =
        client.aggregate(
            AggregateRequest.newBuilder()
                .setSignal(dev.spyglass.proto.query.v1.Signal.SIGNAL_SPANS)
                .setQuery("service.name:pay")
                .setStart("now-1h")
                .setEnd("now+1m")
                .addGroupBy("name")
                .addAllMetrics(List.of("count", "errors", "max(duration)"))
                .setInterval("1m")
                .build());
    JsonNode http =
        get(
            "/api/v1/spans/aggregate?q=service.name:pay&start=now-1h&end=now%2B1m&group_by=name"
                + "&metrics=count,errors,max(duration)&interval=1m",
            200);
    assertThat(answer.getTotal()).isEqualTo(4).isEqualTo(http.get("total").asLong());
    assertThat(answer.getInterval()).isEqualTo("1m");
    assertThat(answer.getGroupsList())
        .extracting(g -> g.getKey(0))
        .containsExactlyInAnyOrder("GET /pay", "POST /pay");
    AggregateResponse.Group get =
        answer.getGroupsList().stream()
            .filter(g -> g.getKey(0).equals("GET /pay"))
            .findFirst()
            .orElseThrow();
    assertThat(get.getValuesMap())
        .containsEntry("count", 2.0)
        .containsEntry("errors", 1.0)
        .containsEntry("max(duration)", 40_000_000.0);
    JsonNode httpGet = null;
    for (JsonNode bucket : http.get("buckets")) {
      if (bucket.get("key").get("name").asText().equals("GET /pay")) {
        httpGet = bucket;
      }
    }
    assertThat(get.getHistogramCount()).isEqualTo(httpGet.get("histogram").size());
    assertThatThrownBy(
            () ->
                client.aggregate(
                    AggregateRequest.newBuilder()
                        .setSignal(dev.spyglass.proto.query.v1.Signal.SIGNAL_SPANS)
                        .addMetrics("median(duration)")
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).contains("median(duration)"));
  }

  @Test
  void jaegerApiV3OverGrpc_answersJaegersOwnStubs() throws Exception {
    var jaeger =
        GrpcClients.newClient(
            "http://127.0.0.1:" + spyglass.api,
            dev.spyglass.proto.jaeger.api_v3.QueryServiceGrpc.QueryServiceBlockingStub.class);
    assertThat(jaeger.getServices(GetServicesRequest.getDefaultInstance()).getServicesList())
        .containsExactly("batch", "pay", "shop");
    assertThat(
            jaeger
                .getOperations(
                    GetOperationsRequest.newBuilder()
                        .setService("shop")
                        .setSpanKind("server")
                        .build())
                .getOperationsList())
        .extracting(o -> o.getName() + "/" + o.getSpanKind())
        .containsExactly("GET /cart/server", "GET /health/server");

    List<TracesData> trace = new ArrayList<>();
    jaeger
        .getTrace(
            dev.spyglass.proto.jaeger.api_v3.GetTraceRequest.newBuilder()
                .setTraceId(cartTrace)
                .build())
        .forEachRemaining(trace::add);
    assertThat(trace).hasSize(1);
    assertThat(trace.get(0).getResourceSpans(0).getScopeSpans(0).getSpansCount()).isEqualTo(3);

    Instant now = Instant.now();
    TraceQueryParameters cart =
        TraceQueryParameters.newBuilder()
            .setServiceName("shop")
            .putAttributes("http.route", "/cart")
            .setStartTimeMin(timestamp(now.minusSeconds(3600)))
            .setStartTimeMax(timestamp(now.plusSeconds(60)))
            .setDurationMin(com.google.protobuf.Duration.newBuilder().setNanos(1))
            .setSearchDepth(10)
            .build();
    List<TracesData> found = new ArrayList<>();
    jaeger
        .findTraces(FindTracesRequest.newBuilder().setQuery(cart).build())
        .forEachRemaining(found::add);
    assertThat(found)
        .singleElement()
        .satisfies(
            t ->
                assertThat(
                        t.getResourceSpans(0)
                            .getScopeSpans(0)
                            .getSpans(0)
                            .getTraceId()
                            .toByteArray())
                    .asHexString()
                    .isEqualToIgnoringCase(cartTrace));

    List<TraceSummary> summaries = new ArrayList<>();
    jaeger
        .findTraceSummaries(FindTraceSummariesRequest.newBuilder().setQuery(cart).build())
        .forEachRemaining(chunk -> summaries.addAll(chunk.getSummariesList()));
    assertThat(summaries)
        .singleElement()
        .satisfies(
            summary -> {
              assertThat(summary.getTraceId()).isEqualTo(cartTrace);
              assertThat(summary.getRootServiceName()).isEqualTo("shop");
              assertThat(summary.getRootOperationName()).isEqualTo("GET /cart");
              assertThat(summary.getSpanCount()).isEqualTo(3);
              assertThat(summary.getErrorSpanCount()).isEqualTo(1);
              assertThat(summary.getMaxEndTimeUnixNano())
                  .isGreaterThan(summary.getMinStartTimeUnixNano());
              assertThat(summary.getServices(0).getName()).isEqualTo("shop");
            });

    JsonNode httpDependencies =
        get(
            "/api/v3/dependencies?start_time="
                + now.minusSeconds(3600)
                + "&end_time="
                + now.plusSeconds(60),
            200);
    assertThat(
            jaeger
                .getDependencies(
                    GetDependenciesRequest.newBuilder()
                        .setStartTime(timestamp(now.minusSeconds(3600)))
                        .setEndTime(timestamp(now.plusSeconds(60)))
                        .build())
                .getDependenciesCount())
        .isEqualTo(httpDependencies.get("dependencies").size());

    // Refusals: no times, a bad id, an unknown trace, the experimental filter (field 10).
    assertThatThrownBy(
            () ->
                jaeger
                    .findTraces(
                        FindTracesRequest.newBuilder()
                            .setQuery(TraceQueryParameters.newBuilder().setServiceName("shop"))
                            .build())
                    .hasNext())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(
            () ->
                jaeger
                    .getTrace(
                        dev.spyglass.proto.jaeger.api_v3.GetTraceRequest.newBuilder()
                            .setTraceId("00000000000000000000000000000bad")
                            .build())
                    .hasNext())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    TraceQueryParameters filtered =
        cart.toBuilder()
            .setUnknownFields(
                com.google.protobuf.UnknownFieldSet.newBuilder()
                    .addField(
                        10,
                        com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                            .addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("x"))
                            .build())
                    .build())
            .build();
    assertThatThrownBy(
            () ->
                jaeger
                    .findTraces(FindTracesRequest.newBuilder().setQuery(filtered).build())
                    .hasNext())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).contains("filter"));
  }

  private static com.google.protobuf.Timestamp timestamp(Instant time) {
    return com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(time.getEpochSecond())
        .setNanos(time.getNano())
        .build();
  }
}
