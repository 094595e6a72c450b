package dev.spyglass.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.GoDuration;
import dev.spyglass.storage.Answer;
import dev.spyglass.storage.Dependency;
import dev.spyglass.storage.Operation;
import dev.spyglass.storage.TraceRecords;
import dev.spyglass.storage.TraceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Jaeger query service's HTTP API ({@code /api/services}, {@code /api/services/{s}/operations},
 * {@code /api/operations}, {@code /api/traces}, {@code /api/traces/{id}}, {@code
 * /api/dependencies}) in Jaeger's JSON, so that Grafana's Jaeger data source and the Jaeger UI work
 * against Spyglass unchanged. Times are Jaeger's: µs since the epoch, {@code lookback} like {@code
 * 1h}.
 */
final class JaegerApi {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long HOUR = 3_600_000_000_000L;

  private final Readers readers;
  private final Times times;

  JaegerApi(Readers readers, Times times) {
    this.readers = readers;
    this.times = times;
  }

  @Get("/api/services")
  @Blocking
  public HttpResponse services() throws IOException {
    Answer<List<String>> services =
        readers.get().services(Signal.TRACES, Long.MIN_VALUE, Long.MAX_VALUE, readers.deadline());
    return envelope(
        json -> {
          json.writeStartArray();
          for (String service : services.value()) {
            json.writeString(service);
          }
          json.writeEndArray();
        },
        services.value().size(),
        services.partial());
  }

  @Get("/api/services/{service}/operations")
  @Blocking
  public HttpResponse operationNames(@Param("service") String service) throws IOException {
    Answer<List<Operation>> operations = operations(service);
    Set<String> names = new TreeSet<>();
    operations.value().forEach(operation -> names.add(operation.name()));
    return envelope(
        json -> {
          json.writeStartArray();
          for (String name : names) {
            json.writeString(name);
          }
          json.writeEndArray();
        },
        names.size(),
        operations.partial());
  }

  @Get("/api/operations")
  @Blocking
  public HttpResponse operations(QueryParams query) throws IOException {
    Params params = new Params(query);
    String service = params.string("service", "");
    if (service.isBlank()) {
      throw ApiException.badRequest("missing_service", "parameter 'service' is required");
    }
    String spanKind = params.string("spanKind", "").toLowerCase(Locale.ROOT);
    Answer<List<Operation>> operations = operations(service);
    List<Operation> selected =
        operations.value().stream()
            .filter(operation -> spanKind.isEmpty() || spanKind.equals(operation.spanKind()))
            .toList();
    return envelope(
        json -> {
          json.writeStartArray();
          for (Operation operation : selected) {
            json.writeStartObject();
            json.writeStringField("name", operation.name());
            json.writeStringField("spanKind", operation.spanKind());
            json.writeEndObject();
          }
          json.writeEndArray();
        },
        selected.size(),
        operations.partial());
  }

  private Answer<List<Operation>> operations(String service) throws IOException {
    return readers.get().operations(service, Long.MIN_VALUE, Long.MAX_VALUE, readers.deadline());
  }

  @Get("/api/traces")
  @Blocking
  public HttpResponse findTraces(QueryParams query) throws IOException {
    try {
      return find(query);
    } catch (ApiException e) {
      // Jaeger's clients read Jaeger's error shape: a malformed tag or duration says so there.
      return jaegerError(e.status(), e.getMessage());
    }
  }

  private HttpResponse find(QueryParams query) throws IOException {
    Params params = new Params(query);
    long end = micros(params.string("end", ""), times.now());
    long lookback = lookback(params.string("lookback", ""));
    long start = micros(params.string("start", ""), end - lookback);
    TraceFinder finder = new TraceFinder(readers.get(), readers.deadline());
    List<String> ids = query.getAll("traceID");
    TraceFinder.Found found;
    if (!ids.isEmpty()) {
      // Search by id (the UI's search and compare by trace id): exactly those traces.
      List<String> wanted = new ArrayList<>();
      for (String id : ids) {
        String normalised = normalise(id);
        if (!TraceRequest.isTraceId(normalised)) {
          return jaegerError(HttpStatus.BAD_REQUEST, "invalid trace id '" + id + "'");
        }
        wanted.add(normalised);
      }
      found = finder.byIds(wanted, Long.MIN_VALUE, Long.MAX_VALUE);
    } else {
      String q = QueryGuard.check(traceQuery(params));
      int limit = params.integer("limit", 20, 1, 1500);
      found = finder.find(q, start, end, limit);
    }
    return envelope(
        json -> {
          json.writeStartArray();
          for (TraceFinder.Trace trace : found.traces()) {
            JaegerJson.trace(json, trace.traceId(), trace.spans());
          }
          json.writeEndArray();
        },
        found.traces().size(),
        found.partial());
  }

  /** A trace id as Jaeger clients send it: any case, leading zeros dropped. */
  static String normalise(String traceId) {
    String id = traceId.toLowerCase(Locale.ROOT);
    if (id.length() < 32 && id.matches("[0-9a-f]+")) {
      id = "0".repeat(32 - id.length()) + id;
    }
    return id;
  }

  @Get("/api/traces/{traceId}")
  @Blocking
  public HttpResponse trace(@Param("traceId") String traceId) throws IOException {
    String id = normalise(traceId);
    if (!TraceRequest.isTraceId(id)) {
      return jaegerError(HttpStatus.BAD_REQUEST, "invalid trace id '" + traceId + "'");
    }
    TraceRecords trace =
        readers
            .get()
            .trace(
                new TraceRequest(
                    id,
                    Long.MIN_VALUE,
                    Long.MAX_VALUE,
                    TraceApi.MAX_RECORDS,
                    false,
                    readers.deadline()));
    if (trace.spans().isEmpty()) {
      return trace.partial()
          ? jaegerError(
              HttpStatus.SERVICE_UNAVAILABLE, "the trace lookup ran past the query deadline")
          : jaegerError(HttpStatus.NOT_FOUND, "trace not found");
    }
    String found = id;
    return envelope(
        json -> {
          json.writeStartArray();
          JaegerJson.trace(json, found, TraceFinder.distinct(trace.spans()));
          json.writeEndArray();
        },
        0,
        trace.partial());
  }

  @Get("/api/dependencies")
  @Blocking
  public HttpResponse dependencies(QueryParams query) throws IOException {
    Params params = new Params(query);
    long end = millis(params.string("endTs", ""), times.now());
    long lookback = millisDuration(params.string("lookback", ""), 24 * HOUR);
    Answer<List<Dependency>> dependencies =
        readers.get().dependencies(end - lookback, end, readers.deadline());
    return envelope(
        json -> {
          json.writeStartArray();
          for (Dependency dependency : dependencies.value()) {
            json.writeStartObject();
            json.writeStringField("parent", dependency.parent());
            json.writeStringField("child", dependency.child());
            json.writeNumberField("callCount", dependency.callCount());
            json.writeEndObject();
          }
          json.writeEndArray();
        },
        dependencies.value().size(),
        dependencies.partial());
  }

  /** The query (Lucene syntax) for Jaeger's trace search parameters. */
  static String traceQuery(Params params) {
    String min = params.string("minDuration", "");
    String max = params.string("maxDuration", "");
    return traceQuery(
        params.string("service", ""),
        params.string("operation", ""),
        tags(params.string("tags", "")),
        min.isBlank() ? null : nanos("minDuration", min),
        max.isBlank() ? null : nanos("maxDuration", max));
  }

  /** The query for spans of a service and operation, with these tags and durations (ns). */
  static String traceQuery(
      String service, String operation, Map<String, String> tags, Long minNanos, Long maxNanos) {
    List<String> clauses = new ArrayList<>();
    if (!service.isBlank()) {
      clauses.add("service.name:" + quote(service));
    }
    if (!operation.isBlank()) {
      clauses.add("name:" + quote(operation));
    }
    tags.forEach((key, value) -> clauses.add(tagClause(key, value)));
    if (minNanos != null) {
      clauses.add("duration:>=" + minNanos);
    }
    if (maxNanos != null) {
      clauses.add("duration:<=" + maxNanos);
    }
    return clauses.isEmpty() ? "*" : String.join(" AND ", clauses);
  }

  private static String tagClause(String key, String value) {
    return switch (key) {
      case "error" -> value.equalsIgnoreCase("true") ? "status.code:error" : "-status.code:error";
      case "span.kind" -> "kind:" + quote(value.toLowerCase(Locale.ROOT));
      default ->
          "(attributes."
              + escapeField(key)
              + ":"
              + quote(value)
              + " OR resource."
              + escapeField(key)
              + ":"
              + quote(value)
              + ")";
    };
  }

  /** Jaeger's {@code tags}: a JSON object, or logfmt {@code k=v k2="v 2"}. */
  static Map<String, String> tags(String text) {
    Map<String, String> tags = new TreeMap<>();
    String value = text.strip();
    if (value.isEmpty()) {
      return tags;
    }
    if (value.startsWith("{")) {
      try {
        JsonNode object = MAPPER.readTree(value);
        object.properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
        return tags;
      } catch (IOException e) {
        throw ApiException.badRequest(
            "invalid_tags", "tags is not a JSON object: " + e.getMessage());
      }
    }
    java.util.regex.Matcher pair =
        java.util.regex.Pattern.compile("([^\\s=]+)=(\"[^\"]*\"|\\S*)").matcher(value);
    while (pair.find()) {
      String v = pair.group(2);
      tags.put(pair.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
    }
    return tags;
  }

  static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String escapeField(String field) {
    StringBuilder out = new StringBuilder();
    for (char c : field.toCharArray()) {
      if ("+-&|!(){}[]^\"~*?:\\/ ".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  static long nanos(String name, String duration) {
    try {
      return GoDuration.parse(duration).toNanos();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_" + name, name + ": " + e.getMessage());
    }
  }

  private static long lookback(String text) {
    if (text.isBlank() || text.equals("custom")) {
      return HOUR;
    }
    return nanos("lookback", text);
  }

  private static long micros(String text, long fallback) {
    return text.isBlank() ? fallback : parseLong("start/end (µs)", text) * 1000L;
  }

  private static long millis(String text, long fallback) {
    return text.isBlank() ? fallback : parseLong("endTs (ms)", text) * 1_000_000L;
  }

  private static long millisDuration(String text, long fallback) {
    return text.isBlank() ? fallback : parseLong("lookback (ms)", text) * 1_000_000L;
  }

  private static long parseLong(String name, String text) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "invalid_time", name + " must be a whole number, got '" + text + "'");
    }
  }

  @FunctionalInterface
  interface Data {
    void write(JsonGenerator json) throws IOException;
  }

  /**
   * Jaeger's response envelope: {@code data}, {@code total}, {@code limit}, {@code offset}, {@code
   * errors}; and {@code "partial": true} when the read ran past the query deadline.
   */
  static HttpResponse envelope(Data data, int total, boolean partial) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeFieldName("data");
      data.write(json);
      json.writeNumberField("total", total);
      json.writeNumberField("limit", 0);
      json.writeNumberField("offset", 0);
      json.writeNullField("errors");
      if (partial) {
        json.writeBooleanField("partial", true); // ran past the query deadline: what was found
      }
      json.writeEndObject();
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }

  static HttpResponse jaegerError(HttpStatus status, String message) {
    return HttpResponse.ofJson(
        status,
        Map.of(
            "data", List.of(),
            "total", 0,
            "limit", 0,
            "offset", 0,
            "errors", List.of(Map.of("code", status.code(), "msg", message))));
  }
}
