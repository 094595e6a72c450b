package dev.spyglass.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.StoredRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/traces/{trace_id}}: every span of the trace as a tree — each parent before its
 * children, siblings by start time, spans whose parent is missing flagged {@code orphan} — and the
 * log records that carry the trace id.
 */
final class TraceApi {
  static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F]{32}");
  static final int MAX_RECORDS = 10_000;

  private final Stores stores;
  private final Times times;

  TraceApi(Stores stores, Times times) {
    this.stores = stores;
    this.times = times;
  }

  /** A span with its place in the tree. */
  record Node(StoredRecord record, Span span, int depth, boolean orphan) {}

  @Get("/api/v1/traces/{traceId}")
  @Blocking
  public HttpResponse trace(@Param("traceId") String traceId, QueryParams query)
      throws IOException {
    if (!TRACE_ID.matcher(traceId).matches()) {
      throw ApiException.badRequest(
          "invalid_trace_id", "a trace id is 32 hex digits, got '" + traceId + "'");
    }
    Params params = new Params(query);
    long start = times.parse("start", params.string("start", null), Long.MIN_VALUE);
    long end = times.parse("end", params.string("end", null), Long.MAX_VALUE);
    List<StoredRecord> records =
        stores.get().reader().trace(traceId.toLowerCase(Locale.ROOT), start, end, MAX_RECORDS);
    List<StoredRecord> spans = records.stream().filter(r -> r.signal() == Signal.TRACES).toList();
    List<StoredRecord> logs =
        records.stream()
            .filter(r -> r.signal() == Signal.LOGS)
            .sorted(Comparator.comparingLong(StoredRecord::timestampNanos))
            .toList();
    if (spans.isEmpty() && logs.isEmpty()) {
      throw new ApiException(
          HttpStatus.NOT_FOUND, "trace_not_found", "no spans or logs with trace id " + traceId);
    }
    List<Node> tree = tree(spans);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("trace_id", traceId.toLowerCase(Locale.ROOT));
      json.writeNumberField("span_count", tree.size());
      TreeSet<String> services = new TreeSet<>();
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (Node node : tree) {
        services.add(RecordJson.serviceName(RecordJson.decode(node.record()).resource()));
        first = Math.min(first, node.span().getStartTimeUnixNano());
        last = Math.max(last, node.span().getEndTimeUnixNano());
      }
      json.writeArrayFieldStart("services");
      for (String service : services) {
        json.writeString(service);
      }
      json.writeEndArray();
      if (!tree.isEmpty()) {
        json.writeStringField("start", Times.format(first));
        json.writeNumberField("duration", Math.max(0, last - first));
      }
      json.writeArrayFieldStart("spans");
      for (Node node : tree) {
        RecordJson.write(
            json,
            node.record(),
            g -> {
              g.writeNumberField("depth", node.depth());
              g.writeBooleanField("orphan", node.orphan());
            });
      }
      json.writeEndArray();
      json.writeArrayFieldStart("logs");
      for (StoredRecord log : logs) {
        RecordJson.write(json, log, RecordJson.FieldWriter.NONE);
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }

  /** The spans in tree order: roots and orphans by start time, each followed by its subtree. */
  static List<Node> tree(List<StoredRecord> records) {
    HexFormat hex = HexFormat.of();
    Map<String, StoredRecord> byId = new LinkedHashMap<>();
    Map<String, Span> spans = new HashMap<>();
    for (StoredRecord record : records) {
      Span span = (Span) RecordJson.decode(record).record();
      String id = hex.formatHex(span.getSpanId().toByteArray());
      byId.putIfAbsent(id, record);
      spans.putIfAbsent(id, span);
    }
    Map<String, List<String>> children = new HashMap<>();
    List<String> tops = new ArrayList<>();
    for (Map.Entry<String, Span> entry : spans.entrySet()) {
      String parent = hex.formatHex(entry.getValue().getParentSpanId().toByteArray());
      if (!parent.isEmpty() && spans.containsKey(parent)) {
        children.computeIfAbsent(parent, p -> new ArrayList<>()).add(entry.getKey());
      } else {
        tops.add(entry.getKey());
      }
    }
    Comparator<String> byStart =
        Comparator.comparingLong((String id) -> spans.get(id).getStartTimeUnixNano())
            .thenComparing(id -> id);
    tops.sort(byStart);
    children.values().forEach(list -> list.sort(byStart));
    List<Node> ordered = new ArrayList<>();
    // Depth-first with an explicit stack: a chain of thousands of spans must not overflow it.
    java.util.ArrayDeque<Node> stack = new java.util.ArrayDeque<>();
    for (String top : tops.reversed()) {
      stack.push(
          new Node(byId.get(top), spans.get(top), 0, !spans.get(top).getParentSpanId().isEmpty()));
    }
    while (!stack.isEmpty()) {
      Node node = stack.pop();
      ordered.add(node);
      String id = hex.formatHex(node.span().getSpanId().toByteArray());
      for (String child : children.getOrDefault(id, List.of()).reversed()) {
        stack.push(new Node(byId.get(child), spans.get(child), node.depth() + 1, false));
      }
    }
    return ordered;
  }
}
