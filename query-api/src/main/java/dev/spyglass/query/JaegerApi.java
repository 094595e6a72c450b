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
import dev.spyglass.storage.Cursor;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.TelemetryStore;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.BytesRef;

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
  private static final int MAX_SCANNED_SPANS = 20_000;
  private static final int MAX_DEPENDENCY_SPANS = 100_000;

  private final Stores stores;
  private final Times times;

  JaegerApi(Stores stores, Times times) {
    this.stores = stores;
    this.times = times;
  }

  @Get("/api/services")
  @Blocking
  public HttpResponse services() throws IOException {
    Set<String> services = new TreeSet<>();
    stores
        .get()
        .visitMatches(
            Signal.TRACES,
            "*",
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            (segment, matches) -> {
              TermsEnum terms = DocValues.getSortedSet(segment, "service.name").termsEnum();
              for (BytesRef term = terms.next(); term != null; term = terms.next()) {
                services.add(term.utf8ToString());
              }
            });
    return envelope(
        json -> {
          json.writeStartArray();
          for (String service : services) {
            json.writeString(service);
          }
          json.writeEndArray();
        },
        services.size());
  }

  @Get("/api/services/{service}/operations")
  @Blocking
  public HttpResponse operationNames(@Param("service") String service) throws IOException {
    Map<String, Set<String>> operations = operations(service);
    return envelope(
        json -> {
          json.writeStartArray();
          for (String name : operations.keySet()) {
            json.writeString(name);
          }
          json.writeEndArray();
        },
        operations.size());
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
    Map<String, Set<String>> operations = operations(service);
    List<String[]> pairs = new ArrayList<>();
    operations.forEach(
        (name, kinds) ->
            kinds.forEach(
                kind -> {
                  if (spanKind.isEmpty() || spanKind.equals(kind)) {
                    pairs.add(new String[] {name, kind});
                  }
                }));
    return envelope(
        json -> {
          json.writeStartArray();
          for (String[] pair : pairs) {
            json.writeStartObject();
            json.writeStringField("name", pair[0]);
            json.writeStringField("spanKind", pair[1]);
            json.writeEndObject();
          }
          json.writeEndArray();
        },
        pairs.size());
  }

  /** Operation names of a service, each with the span kinds it was seen with. */
  private Map<String, Set<String>> operations(String service) throws IOException {
    Map<String, Set<String>> operations = new TreeMap<>();
    stores
        .get()
        .visitMatches(
            Signal.TRACES,
            "service.name:" + quote(service),
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            (segment, matches) -> {
              SortedSetDocValues names = DocValues.getSortedSet(segment, "name");
              SortedSetDocValues kinds = DocValues.getSortedSet(segment, "kind");
              for (int doc = matches.nextDoc();
                  doc != DocIdSetIterator.NO_MORE_DOCS;
                  doc = matches.nextDoc()) {
                if (names.advanceExact(doc)) {
                  String name = names.lookupOrd(names.nextOrd()).utf8ToString();
                  String kind =
                      kinds.advanceExact(doc)
                          ? kinds.lookupOrd(kinds.nextOrd()).utf8ToString()
                          : "unspecified";
                  operations.computeIfAbsent(name, n -> new TreeSet<>()).add(kind);
                }
              }
            });
    return operations;
  }

  @Get("/api/traces")
  @Blocking
  public HttpResponse findTraces(QueryParams query) throws IOException {
    Params params = new Params(query);
    String q = QueryGuard.check(traceQuery(params));
    long end = micros(params.string("end", ""), times.now());
    long lookback = lookback(params.string("lookback", ""));
    long start = micros(params.string("start", ""), end - lookback);
    int limit = params.integer("limit", 20, 1, 1500);
    TelemetryStore store = stores.get();

    Set<String> traceIds = new LinkedHashSet<>();
    Optional<Cursor> cursor = Optional.empty();
    int scanned = 0;
    do {
      SearchResult page =
          store.reader().search(new SearchRequest(Signal.TRACES, q, start, end, 1000, cursor));
      for (StoredRecord hit : page.hits()) {
        traceIds.add(
            HexFormat.of()
                .formatHex(((Span) RecordJson.decode(hit).record()).getTraceId().toByteArray()));
        if (traceIds.size() >= limit) {
          break;
        }
      }
      scanned += page.hits().size();
      cursor = page.next();
    } while (cursor.isPresent() && traceIds.size() < limit && scanned < MAX_SCANNED_SPANS);

    List<Map.Entry<String, List<StoredRecord>>> traces = new ArrayList<>();
    for (String traceId : traceIds) {
      List<StoredRecord> spans =
          store
              .reader()
              .trace(traceId, start - 24 * HOUR, end + 24 * HOUR, TraceApi.MAX_RECORDS)
              .stream()
              .filter(r -> r.signal() == Signal.TRACES)
              .toList();
      traces.add(Map.entry(traceId, spans));
    }
    return envelope(
        json -> {
          json.writeStartArray();
          for (Map.Entry<String, List<StoredRecord>> trace : traces) {
            JaegerJson.trace(json, trace.getKey(), trace.getValue());
          }
          json.writeEndArray();
        },
        traces.size());
  }

  @Get("/api/traces/{traceId}")
  @Blocking
  public HttpResponse trace(@Param("traceId") String traceId) throws IOException {
    String id = traceId.toLowerCase(Locale.ROOT);
    if (id.length() < 32 && id.matches("[0-9a-f]+")) {
      id = "0".repeat(32 - id.length()) + id; // Jaeger drops leading zeros
    }
    if (!TraceApi.TRACE_ID.matcher(id).matches()) {
      return jaegerError(HttpStatus.BAD_REQUEST, "invalid trace id '" + traceId + "'");
    }
    List<StoredRecord> spans =
        stores
            .get()
            .reader()
            .trace(id, Long.MIN_VALUE, Long.MAX_VALUE, TraceApi.MAX_RECORDS)
            .stream()
            .filter(r -> r.signal() == Signal.TRACES)
            .toList();
    if (spans.isEmpty()) {
      return jaegerError(HttpStatus.NOT_FOUND, "trace not found");
    }
    String found = id;
    return envelope(
        json -> {
          json.writeStartArray();
          JaegerJson.trace(json, found, spans);
          json.writeEndArray();
        },
        0);
  }

  @Get("/api/dependencies")
  @Blocking
  public HttpResponse dependencies(QueryParams query) throws IOException {
    Params params = new Params(query);
    long end = millis(params.string("endTs", ""), times.now());
    long lookback = millisDuration(params.string("lookback", ""), 24 * HOUR);
    Map<String, String> serviceOfSpan = new HashMap<>();
    List<String[]> parentAndChild = new ArrayList<>();
    Optional<Cursor> cursor = Optional.empty();
    int scanned = 0;
    HexFormat hex = HexFormat.of();
    do {
      SearchResult page =
          stores
              .get()
              .reader()
              .search(new SearchRequest(Signal.TRACES, "*", end - lookback, end, 1000, cursor));
      for (StoredRecord hit : page.hits()) {
        RecordJson.Decoded decoded = RecordJson.decode(hit);
        Span span = (Span) decoded.record();
        String service = JaegerJson.serviceName(decoded.resource());
        serviceOfSpan.put(hex.formatHex(span.getSpanId().toByteArray()), service);
        if (!span.getParentSpanId().isEmpty()) {
          parentAndChild.add(
              new String[] {hex.formatHex(span.getParentSpanId().toByteArray()), service});
        }
      }
      scanned += page.hits().size();
      cursor = page.next();
    } while (cursor.isPresent() && scanned < MAX_DEPENDENCY_SPANS);
    Map<String, Long> calls = new TreeMap<>();
    for (String[] edge : parentAndChild) {
      String parent = serviceOfSpan.get(edge[0]);
      if (parent != null && !parent.equals(edge[1])) {
        calls.merge(parent + "\u0000" + edge[1], 1L, Long::sum);
      }
    }
    return envelope(
        json -> {
          json.writeStartArray();
          for (Map.Entry<String, Long> call : calls.entrySet()) {
            String[] services = call.getKey().split("\u0000");
            json.writeStartObject();
            json.writeStringField("parent", services[0]);
            json.writeStringField("child", services[1]);
            json.writeNumberField("callCount", call.getValue());
            json.writeEndObject();
          }
          json.writeEndArray();
        },
        calls.size());
  }

  /** The Lucene query for Jaeger's trace search parameters. */
  static String traceQuery(Params params) {
    List<String> clauses = new ArrayList<>();
    String service = params.string("service", "");
    if (!service.isBlank()) {
      clauses.add("service.name:" + quote(service));
    }
    String operation = params.string("operation", "");
    if (!operation.isBlank()) {
      clauses.add("name:" + quote(operation));
    }
    tags(params.string("tags", "")).forEach((key, value) -> clauses.add(tagClause(key, value)));
    String min = params.string("minDuration", "");
    if (!min.isBlank()) {
      clauses.add("duration:>=" + nanos("minDuration", min));
    }
    String max = params.string("maxDuration", "");
    if (!max.isBlank()) {
      clauses.add("duration:<=" + nanos("maxDuration", max));
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

  private static long nanos(String name, String duration) {
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
  private interface Data {
    void write(JsonGenerator json) throws IOException;
  }

  /**
   * Jaeger's response envelope: {@code data}, {@code total}, {@code limit}, {@code offset}, {@code
   * errors}.
   */
  private static HttpResponse envelope(Data data, int total) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeFieldName("data");
      data.write(json);
      json.writeNumberField("total", total);
      json.writeNumberField("limit", 0);
      json.writeNumberField("offset", 0);
      json.writeNullField("errors");
      json.writeEndObject();
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }

  private static HttpResponse jaegerError(HttpStatus status, String message) {
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
