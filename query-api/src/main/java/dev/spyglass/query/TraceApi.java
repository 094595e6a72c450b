package dev.spyglass.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredSpan;
import dev.spyglass.storage.TraceRecords;
import dev.spyglass.storage.TraceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code GET /api/v1/traces/{trace_id}}: every span of the trace as a tree — each parent before its
 * children, siblings by start time, spans whose parent is missing flagged {@code orphan} — and the
 * log records that carry the trace id.
 */
final class TraceApi {
  static final int MAX_RECORDS = 10_000;

  private final Readers readers;
  private final Times times;

  TraceApi(Readers readers, Times times) {
    this.readers = readers;
    this.times = times;
  }

  /** A span with its place in the tree. */
  record Node(StoredSpan span, int depth, boolean orphan) {}

  @Get("/api/v1/traces/{traceId}")
  @Blocking
  public HttpResponse trace(@Param("traceId") String traceId, QueryParams query)
      throws IOException {
    if (!TraceRequest.isTraceId(traceId)) {
      throw ApiException.badRequest(
          "invalid_trace_id", "a trace id is 32 hex digits, got '" + traceId + "'");
    }
    Params params = new Params(query);
    long start = times.parse("start", params.string("start", null), Long.MIN_VALUE);
    long end = times.parse("end", params.string("end", null), Long.MAX_VALUE);
    TraceRecords records =
        readers
            .get()
            .trace(new TraceRequest(traceId, start, end, MAX_RECORDS, true, readers.deadline()));
    List<StoredLog> logs =
        records.logs().stream()
            .sorted(Comparator.comparingLong(StoredLog::timestampNanos))
            .toList();
    if (records.spans().isEmpty() && logs.isEmpty()) {
      throw records.partial()
          ? QueryTimeouts.nothingInTime("the trace lookup")
          : new ApiException(
              HttpStatus.NOT_FOUND, "trace_not_found", "no spans or logs with trace id " + traceId);
    }
    List<Node> tree = tree(records.spans());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("trace_id", traceId.toLowerCase(Locale.ROOT));
      json.writeNumberField("span_count", tree.size());
      TreeSet<String> services = new TreeSet<>();
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (Node node : tree) {
        services.add(node.span().origin().serviceName());
        first = Math.min(first, node.span().span().getStartTimeUnixNano());
        last = Math.max(last, node.span().span().getEndTimeUnixNano());
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
            node.span(),
            g -> {
              g.writeNumberField("depth", node.depth());
              g.writeBooleanField("orphan", node.orphan());
            });
      }
      json.writeEndArray();
      json.writeArrayFieldStart("logs");
      for (StoredLog log : logs) {
        RecordJson.write(json, log, RecordJson.FieldWriter.NONE);
      }
      json.writeEndArray();
      json.writeBooleanField("partial", records.partial());
      json.writeEndObject();
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }

  /** The spans in tree order: roots and orphans by start time, each followed by its subtree. */
  static List<Node> tree(List<StoredSpan> records) {
    Map<String, StoredSpan> spans = new LinkedHashMap<>();
    for (StoredSpan span : records) {
      spans.putIfAbsent(span.spanIdHex(), span);
    }
    Map<String, List<String>> children = new HashMap<>();
    List<String> tops = new ArrayList<>();
    for (Map.Entry<String, StoredSpan> entry : spans.entrySet()) {
      String parent = entry.getValue().parentSpanIdHex();
      if (!parent.isEmpty() && spans.containsKey(parent)) {
        children.computeIfAbsent(parent, p -> new ArrayList<>()).add(entry.getKey());
      } else {
        tops.add(entry.getKey());
      }
    }
    Comparator<String> byStart =
        Comparator.comparingLong((String id) -> spans.get(id).span().getStartTimeUnixNano())
            .thenComparing(id -> id);
    tops.sort(byStart);
    children.values().forEach(list -> list.sort(byStart));
    List<Node> ordered = new ArrayList<>();
    // Depth-first with an explicit stack: a chain of thousands of spans must not overflow it.
    ArrayDeque<Node> stack = new ArrayDeque<>();
    for (String top : tops.reversed()) {
      StoredSpan span = spans.get(top);
      stack.push(new Node(span, 0, !span.parentSpanIdHex().isEmpty()));
    }
    while (!stack.isEmpty()) {
      Node node = stack.pop();
      ordered.add(node);
      for (String child : children.getOrDefault(node.span().spanIdHex(), List.of()).reversed()) {
        stack.push(new Node(spans.get(child), node.depth() + 1, false));
      }
    }
    return ordered;
  }
}
