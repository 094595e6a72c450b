package dev.spyglass.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.QueryParamsBuilder;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.otlp.OtlpJson;
import dev.spyglass.storage.Answer;
import dev.spyglass.storage.Dependency;
import dev.spyglass.storage.Operation;
import dev.spyglass.storage.TraceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Jaeger's api_v3 over HTTP (the JSON form of {@code jaeger.api_v3.QueryService}, as jaeger-query
 * serves it): services, operations, GetTrace and FindTraces answering OTLP JSON traces in the
 * gateway's {@code {"result": …}} wrapper, trace summaries for the search page, dependencies.
 * Errors are the gateway's {@code {"error": {grpcCode, httpCode, message, httpStatus}}}.
 */
final class JaegerV3Api {
  private final Readers readers;
  private final Times times;

  JaegerV3Api(Readers readers, Times times) {
    this.readers = readers;
    this.times = times;
  }

  @Get("/api/v3/services")
  @Blocking
  public HttpResponse services() throws IOException {
    Answer<List<String>> services =
        readers.get().services(Signal.TRACES, Long.MIN_VALUE, Long.MAX_VALUE, readers.deadline());
    return json(
        json -> {
          json.writeArrayFieldStart("services");
          for (String service : services.value()) {
            json.writeString(service);
          }
          json.writeEndArray();
        });
  }

  @Get("/api/v3/operations")
  @Blocking
  public HttpResponse operations(QueryParams query) throws IOException {
    Params params = new Params(query);
    String service = params.string("service", "");
    if (service.isBlank()) {
      return error(HttpStatus.BAD_REQUEST, "service name is required");
    }
    List<Operation> operations =
        operations(service, params.string("span_kind", params.string("spanKind", "")));
    return json(
        json -> {
          json.writeArrayFieldStart("operations");
          for (Operation operation : operations) {
            json.writeStartObject();
            json.writeStringField("name", operation.name());
            json.writeStringField("spanKind", operation.spanKind());
            json.writeEndObject();
          }
          json.writeEndArray();
        });
  }

  /** GetOperations: the service's operations, of one span kind if given (any case). */
  List<Operation> operations(String service, String spanKind) throws IOException {
    return readers
        .get()
        .operations(service, Long.MIN_VALUE, Long.MAX_VALUE, readers.deadline())
        .value()
        .stream()
        .filter(o -> spanKind.isEmpty() || spanKind.equalsIgnoreCase(o.spanKind()))
        .toList();
  }

  @Get("/api/v3/traces/{traceId}")
  @Blocking
  public HttpResponse trace(@Param("traceId") String traceId, QueryParams query)
      throws IOException {
    try {
      Params params = new Params(query);
      long start = times.parse("start_time", params.string("start_time", null), Long.MIN_VALUE);
      long end = times.parse("end_time", params.string("end_time", null), Long.MAX_VALUE);
      return result(trace(traceId, start, end));
    } catch (ApiException e) {
      return error(e.status(), e.getMessage());
    }
  }

  /** GetTrace: the trace's spans in [start, end]; 400, 404 or 504 as an {@link ApiException}. */
  TraceFinder.Found trace(String traceId, long startNanos, long endNanos) throws IOException {
    String id = JaegerApi.normalise(traceId);
    if (!TraceRequest.isTraceId(id)) {
      throw ApiException.badRequest("invalid_trace_id", "malformed trace id '" + traceId + "'");
    }
    TraceFinder.Found found =
        new TraceFinder(readers.get(), readers.deadline()).byIds(List.of(id), startNanos, endNanos);
    if (found.traces().isEmpty()) {
      throw found.partial()
          ? new ApiException(
              HttpStatus.GATEWAY_TIMEOUT, "timeout", "the trace lookup ran past the query deadline")
          : new ApiException(HttpStatus.NOT_FOUND, "not_found", "trace not found");
    }
    return found;
  }

  @Get("/api/v3/traces")
  @Blocking
  public HttpResponse findTraces(QueryParams query) throws IOException {
    try {
      return result(find(new Params(query)));
    } catch (ApiException e) {
      return error(e.status(), e.getMessage());
    }
  }

  /** FindTraces' other binding: the request as a JSON body, {@code {"query": {…}}}. */
  @Post("/api/v3/traces")
  @Blocking
  public HttpResponse findTracesPosted(AggregatedHttpRequest request) throws IOException {
    try {
      return result(find(new Params(fromBody(request))));
    } catch (ApiException e) {
      return error(e.status(), e.getMessage());
    }
  }

  @Post("/api/v3/trace-summaries")
  @Blocking
  public HttpResponse traceSummariesPosted(AggregatedHttpRequest request) throws IOException {
    return summaries(fromBody(request));
  }

  @Get("/api/v3/trace-summaries")
  @Blocking
  public HttpResponse traceSummaries(QueryParams query) throws IOException {
    return summaries(query);
  }

  private HttpResponse summaries(QueryParams query) throws IOException {
    try {
      TraceFinder.Found found = find(new Params(query));
      return json(
          json -> {
            json.writeArrayFieldStart("summaries");
            for (TraceFinder.Trace trace : found.traces()) {
              summary(json, trace);
            }
            json.writeEndArray();
          });
    } catch (ApiException e) {
      return error(e.status(), e.getMessage());
    }
  }

  @Get("/api/v3/dependencies")
  @Blocking
  public HttpResponse dependencies(QueryParams query) throws IOException {
    try {
      Params params = new Params(query);
      String from = params.string("start_time", "");
      String to = params.string("end_time", "");
      if (from.isEmpty() || to.isEmpty()) {
        throw ApiException.badRequest("missing_time", "start_time and end_time are required");
      }
      long start = times.parse("start_time", from, 0);
      long end = times.parse("end_time", to, 0);
      Answer<List<Dependency>> dependencies =
          readers.get().dependencies(start, end, readers.deadline());
      return json(
          json -> {
            json.writeArrayFieldStart("dependencies");
            for (Dependency dependency : dependencies.value()) {
              json.writeStartObject();
              json.writeStringField("parent", dependency.parent());
              json.writeStringField("child", dependency.child());
              json.writeStringField("callCount", Long.toString(dependency.callCount()));
              json.writeEndObject();
            }
            json.writeEndArray();
          });
    } catch (ApiException e) {
      return error(e.status(), e.getMessage());
    }
  }

  /** FindTraces' {@code query.*} parameters, snake_case as the proto or camelCase as the UI. */
  TraceFinder.Found find(Params params) throws IOException {
    if (!v3(params, "filter", "filter").isEmpty()) {
      throw ApiException.badRequest(
          "unsupported_filter", "query.filter (structured filters) is not supported");
    }
    String startMin = v3(params, "start_time_min", "startTimeMin");
    String startMax = v3(params, "start_time_max", "startTimeMax");
    if (startMin.isEmpty() || startMax.isEmpty()) {
      throw ApiException.badRequest(
          "missing_time", "query.start_time_min and query.start_time_max are required");
    }
    long start = times.parse("query.start_time_min", startMin, 0);
    long end = times.parse("query.start_time_max", startMax, 0);
    String min = v3(params, "duration_min", "durationMin");
    String max = v3(params, "duration_max", "durationMax");
    String attributes = v3(params, "attributes", "attributes");
    if (!attributes.isEmpty() && !attributes.strip().startsWith("{")) {
      throw ApiException.badRequest(
          "invalid_attributes", "query.attributes must be a JSON object of strings");
    }
    String q =
        QueryGuard.check(
            JaegerApi.traceQuery(
                v3(params, "service_name", "serviceName"),
                v3(params, "operation_name", "operationName"),
                JaegerApi.tags(attributes),
                min.isEmpty() ? null : JaegerApi.nanos("query.duration_min", min),
                max.isEmpty() ? null : JaegerApi.nanos("query.duration_max", max)));
    String depth = v3(params, "search_depth", "searchDepth");
    int limit = 20;
    if (!depth.isEmpty()) {
      try {
        limit = Math.clamp(Integer.parseInt(depth), 1, 1500);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(
            "invalid_search_depth", "query.search_depth must be a number, got '" + depth + "'");
      }
    }
    return new TraceFinder(readers.get(), readers.deadline()).find(q, start, end, limit);
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * The body's {@code query} object as the GET binding's {@code query.*} parameters: proto JSON
   * names (snake_case or camelCase), {@code attributes} an object of strings, search depth a
   * number.
   */
  private static QueryParams fromBody(AggregatedHttpRequest request) {
    JsonNode body;
    try {
      body = MAPPER.readTree(request.contentUtf8());
    } catch (IOException e) {
      throw ApiException.badRequest("invalid_body", "the body is not JSON: " + e.getMessage());
    }
    JsonNode query = body == null ? null : body.get("query");
    if (query == null || !query.isObject()) {
      throw ApiException.badRequest("invalid_body", "the body must be {\"query\": {…}}");
    }
    QueryParamsBuilder params = QueryParams.builder();
    for (var field : query.properties()) {
      JsonNode value = field.getValue();
      params.add(
          "query." + field.getKey(), value.isValueNode() ? value.asText() : value.toString());
    }
    return params.build();
  }

  private static String v3(Params params, String snake, String camel) {
    String value = params.string("query." + snake, "");
    return value.isEmpty() ? params.string("query." + camel, "") : value;
  }

  /** The traces as one OTLP JSON {@code TracesData}, in the gateway's result wrapper. */
  private static HttpResponse result(TraceFinder.Found found) {
    String body = "{\"result\":" + OtlpJson.write(OtlpTraces.data(found.traces())) + "}";
    return HttpResponse.of(
        HttpStatus.OK, MediaType.JSON_UTF_8, body.getBytes(StandardCharsets.UTF_8));
  }

  /** A trace summary as the search page reads it: root, times (ns strings), counts, services. */
  private static void summary(JsonGenerator json, TraceFinder.Trace trace) throws IOException {
    TraceSummary summary = TraceSummary.of(trace);
    json.writeStartObject();
    json.writeStringField("traceId", summary.traceId());
    json.writeStringField("rootServiceName", summary.rootService());
    json.writeStringField("rootOperationName", summary.rootOperation());
    json.writeStringField("minStartTimeUnixNano", Long.toUnsignedString(summary.firstStartNanos()));
    json.writeStringField("maxEndTimeUnixNano", Long.toUnsignedString(summary.lastEndNanos()));
    json.writeNumberField("spanCount", summary.spanCount());
    json.writeNumberField("errorSpanCount", summary.errorCount());
    json.writeNumberField("orphanSpanCount", summary.orphanCount());
    json.writeArrayFieldStart("services");
    for (Map.Entry<String, TraceSummary.Counts> service : summary.services().entrySet()) {
      json.writeStartObject();
      json.writeStringField("name", service.getKey());
      json.writeNumberField("spanCount", service.getValue().spans());
      json.writeNumberField("errorSpanCount", service.getValue().errors());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /** Writes the fields of one JSON object. */
  private interface Fields {
    void write(JsonGenerator json) throws IOException;
  }

  private static HttpResponse json(Fields fields) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
      json.writeStartObject();
      fields.write(json);
      json.writeEndObject();
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }

  /** The gRPC gateway's error body, with the gRPC code of the HTTP status. */
  static HttpResponse error(HttpStatus status, String message) {
    int grpc =
        switch (status.code()) {
          case 400 -> 3; // INVALID_ARGUMENT
          case 404 -> 5; // NOT_FOUND
          case 429 -> 8; // RESOURCE_EXHAUSTED
          case 503 -> 14; // UNAVAILABLE
          case 504 -> 4; // DEADLINE_EXCEEDED
          default -> 2; // UNKNOWN
        };
    return HttpResponse.ofJson(
        status,
        Map.of(
            "error",
            Map.of(
                "grpcCode",
                grpc,
                "httpCode",
                status.code(),
                "message",
                message,
                "httpStatus",
                status.reasonPhrase())));
  }
}
