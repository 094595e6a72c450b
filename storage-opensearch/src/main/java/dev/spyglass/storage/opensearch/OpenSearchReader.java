package dev.spyglass.storage.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.Answer;
import dev.spyglass.storage.Cursor;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.Dependency;
import dev.spyglass.storage.DependencyLinker;
import dev.spyglass.storage.ExportPage;
import dev.spyglass.storage.ExportRequest;
import dev.spyglass.storage.FieldKind;
import dev.spyglass.storage.InvalidQueryException;
import dev.spyglass.storage.LogPattern;
import dev.spyglass.storage.MetricQuery;
import dev.spyglass.storage.MetricSeries;
import dev.spyglass.storage.MetricSeriesBuilder;
import dev.spyglass.storage.Operation;
import dev.spyglass.storage.SearchHit;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredPoint;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.StoredRecords;
import dev.spyglass.storage.StoredSpan;
import dev.spyglass.storage.TailListener;
import dev.spyglass.storage.TailRequest;
import dev.spyglass.storage.TailSubscription;
import dev.spyglass.storage.TelemetryReader;
import dev.spyglass.storage.TraceRecords;
import dev.spyglass.storage.TraceRequest;
import dev.spyglass.storage.patterns.PatternQueries;
import dev.spyglass.storage.patterns.PatternState;
import dev.spyglass.storage.query.QuerySyntax;
import dev.spyglass.storage.tail.LiveTail;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The read side on OpenSearch: every query parsed by the embedded store's parser and translated to
 * DSL, results decoded from each document's stored record, pages by {@code search_after} on the
 * cursor's (timestamp, sequence, position).
 */
final class OpenSearchReader implements TelemetryReader {
  private static final int MAX_PAGE = 10_000;

  /** Spans read at most for one dependency graph, as the embedded store. */
  static final int MAX_DEPENDENCY_SPANS = 100_000;

  private final Connection connection;
  private final IndexLayout layout;
  private final LiveTail tail;
  private final PatternState patterns;

  OpenSearchReader(
      Connection connection, IndexLayout layout, LiveTail tail, PatternState patterns) {
    this.connection = connection;
    this.layout = layout;
    this.tail = tail;
    this.patterns = patterns;
  }

  /** The bool query of a read: the API's query and the time range. */
  private ObjectNode query(String query, long startNanos, long endNanos, ObjectNode... also) {
    ObjectNode out = Connection.JSON.createObjectNode();
    ObjectNode bool = out.putObject("bool");
    // pattern.id:X stands for every id now part of X's pattern, as in the embedded store.
    bool.withArray("filter")
        .add(DslTranslator.translate(PatternQueries.parse(query, false, patterns)));
    for (ObjectNode clause : also) {
      bool.withArray("filter").add(clause);
    }
    ObjectNode range = Connection.JSON.createObjectNode();
    range
        .putObject("range")
        .putObject(JsonDocument.TIMESTAMP)
        .put("gte", startNanos)
        .put("lte", endNanos);
    bool.withArray("filter").add(range);
    return out;
  }

  private static ArrayNode sort(boolean oldestFirst) {
    ArrayNode sort = Connection.JSON.createArrayNode();
    String order = oldestFirst ? "asc" : "desc";
    for (String field :
        List.of(JsonDocument.TIMESTAMP, JsonDocument.SEQUENCE, JsonDocument.POSITION)) {
      sort.addObject().putObject(field).put("order", order).put("unmapped_type", "long");
    }
    return sort;
  }

  private static long timeoutMillis(Deadline deadline) {
    if (deadline.atNanos() == Long.MAX_VALUE) {
      return 0;
    }
    return Math.max(1, (deadline.atNanos() - System.nanoTime()) / 1_000_000);
  }

  private JsonNode search(Signal signal, long start, long end, ObjectNode body, Deadline deadline)
      throws IOException {
    if (deadline.expired()) {
      // Past its deadline before it began: nothing read, flagged partial, as every store answers.
      ObjectNode none = Connection.JSON.createObjectNode();
      none.put("timed_out", true);
      none.putObject("hits").putArray("hits");
      return none;
    }
    long timeout = timeoutMillis(deadline);
    if (timeout > 0) {
      body.put("timeout", timeout + "ms");
    }
    Map<String, String> params = new HashMap<>();
    params.put("ignore_unavailable", "true");
    params.put("allow_no_indices", "true");
    Connection.Answer answer =
        connection.json(
            "POST", "/" + layout.indices(signal, start, end) + "/_search", params, body);
    if (answer.status() == 503) {
      // No copy of some shard answers (a new index starting, a node lost): what the others have.
      ObjectNode none = Connection.JSON.createObjectNode();
      none.put("timed_out", true);
      none.putObject("hits").putArray("hits");
      return none;
    }
    if (answer.status() == 400) {
      throw new InvalidQueryException(
          "invalid_query", "OpenSearch refused the query: " + answer.reason());
    }
    if (!answer.ok()) {
      throw new IOException("OpenSearch answered " + answer.status() + ": " + answer.reason());
    }
    return answer.body();
  }

  private StoredRecord record(Signal signal, JsonNode hit, Map<String, LogPattern> resolved)
      throws IOException {
    JsonNode source = hit.path("_source");
    Cursor cursor =
        new Cursor(
            source.path(JsonDocument.TIMESTAMP).asLong(),
            source.path(JsonDocument.SEQUENCE).asLong(),
            source.path(JsonDocument.POSITION).asInt());
    StoredRecord record =
        StoredRecords.decode(signal, source.path(JsonDocument.SOURCE).binaryValue(), cursor);
    String patternId = source.path("pattern.id").asText("");
    if (!patternId.isEmpty() && record instanceof StoredLog log) {
      // Which pattern the record is part of now, resolved once per page.
      return log.withPattern(
          resolved.computeIfAbsent(patternId, id -> patterns.resolve(id).orElse(LogPattern.NONE)));
    }
    return record;
  }

  private static boolean partial(JsonNode answer) {
    return answer.path("timed_out").asBoolean(false)
        || answer.path("_shards").path("failed").asInt(0) > 0;
  }

  @Override
  public SearchResult search(SearchRequest request) throws IOException {
    ObjectNode body = Connection.JSON.createObjectNode();
    body.set("query", query(request.query(), request.startNanos(), request.endNanos()));
    body.set("sort", sort(request.oldestFirst()));
    body.put("size", Math.min(request.limit(), MAX_PAGE));
    body.put("track_total_hits", request.countTotal() ? true : false);
    body.putObject("_source")
        .putArray("includes")
        .add(JsonDocument.SOURCE)
        .add(JsonDocument.TIMESTAMP)
        .add(JsonDocument.SEQUENCE)
        .add(JsonDocument.POSITION)
        .add("pattern.id");
    request.after().ifPresent(cursor -> body.set("search_after", after(cursor)));
    if (request.highlight() && request.signal() == Signal.LOGS) {
      ObjectNode highlight = body.putObject("highlight");
      highlight.putObject("fields").putObject("body").put("number_of_fragments", 0);
      highlight.putArray("pre_tags").add("<em>");
      highlight.putArray("post_tags").add("</em>");
    }
    JsonNode answer =
        search(
            request.signal(), request.startNanos(), request.endNanos(), body, request.deadline());
    List<SearchHit> hits = new ArrayList<>();
    Map<String, LogPattern> resolved = new HashMap<>();
    Cursor last = null;
    for (JsonNode hit : answer.path("hits").path("hits")) {
      StoredRecord record = record(request.signal(), hit, resolved);
      Map<String, String> highlights = new HashMap<>();
      JsonNode body_ = hit.path("highlight").path("body");
      if (body_.isArray() && !body_.isEmpty()) {
        highlights.put("body", body_.get(0).asText());
      }
      hits.add(new SearchHit(record, highlights));
      last = record.cursor();
    }
    long total =
        request.countTotal()
            ? answer.path("hits").path("total").path("value").asLong(hits.size())
            : -1;
    boolean partial = partial(answer);
    // A full page, or one cut short, goes on from its last hit (or from where it started).
    Optional<Cursor> next =
        hits.size() == request.limit() || partial
            ? (last != null ? Optional.of(last) : request.after())
            : Optional.empty();
    return new SearchResult(total, hits, next, partial);
  }

  private static ArrayNode after(Cursor cursor) {
    ArrayNode after = Connection.JSON.createArrayNode();
    after.add(cursor.timestampNanos()).add(cursor.lsn()).add(cursor.position());
    return after;
  }

  @Override
  public TraceRecords trace(TraceRequest request) throws IOException {
    String q = "trace_id:" + request.traceIdHex();
    List<StoredSpan> spans = new ArrayList<>();
    boolean partial = false;
    SearchResult found =
        search(
            new SearchRequest(
                Signal.TRACES,
                q,
                request.startNanos(),
                request.endNanos(),
                request.limit(),
                Optional.empty(),
                false, // newest first, as every store answers a trace
                false,
                false,
                request.deadline()));
    for (StoredRecord record : found.records()) {
      spans.add((StoredSpan) record);
    }
    partial |= found.partial();
    List<StoredLog> logs = new ArrayList<>();
    if (request.withLogs()) {
      SearchResult logHits =
          search(
              new SearchRequest(
                  Signal.LOGS,
                  q,
                  request.startNanos(),
                  request.endNanos(),
                  request.limit(),
                  Optional.empty(),
                  false,
                  false,
                  false,
                  request.deadline()));
      for (StoredRecord record : logHits.records()) {
        logs.add((StoredLog) record);
      }
      partial |= logHits.partial();
    }
    return new TraceRecords(spans, logs, partial);
  }

  @Override
  public ExportPage export(ExportRequest request) throws IOException {
    SearchResult page =
        search(
            new SearchRequest(
                request.signal(),
                request.query(),
                request.startNanos(),
                request.endNanos(),
                Math.min(request.pageSize(), MAX_PAGE),
                request.after(),
                false,
                false,
                false,
                request.deadline()));
    return new ExportPage(page.records(), page.next(), page.partial());
  }

  private Answer<List<String>> terms(
      Signal signal, String field, String query, long start, long end, Deadline deadline)
      throws IOException {
    ObjectNode body = Connection.JSON.createObjectNode();
    body.set("query", query(query, start, end));
    body.put("size", 0);
    body.putObject("aggs")
        .putObject("values")
        .putObject("terms")
        .put("field", field)
        .put("size", 10_000)
        .putObject("order")
        .put("_key", "asc");
    JsonNode answer = search(signal, start, end, body, deadline);
    List<String> values = new ArrayList<>();
    for (JsonNode bucket : answer.path("aggregations").path("values").path("buckets")) {
      values.add(bucket.path("key").asText());
    }
    return new Answer<>(values, partial(answer));
  }

  @Override
  public Answer<List<String>> services(Signal signal, long start, long end, Deadline deadline)
      throws IOException {
    return terms(signal, "service.name", "", start, end, deadline);
  }

  private static ObjectNode term(String field, String value) {
    ObjectNode term = Connection.JSON.createObjectNode();
    term.putObject("term").put(field, value);
    return term;
  }

  @Override
  public Answer<List<Operation>> operations(String service, long start, long end, Deadline deadline)
      throws IOException {
    ObjectNode body = Connection.JSON.createObjectNode();
    body.set("query", query("", start, end, term("service.name", service)));
    body.put("size", 0);
    ObjectNode terms = body.putObject("aggs").putObject("operations").putObject("multi_terms");
    terms.putArray("terms").add(field("name")).add(field("kind"));
    terms.put("size", 10_000);
    JsonNode answer = search(Signal.TRACES, start, end, body, deadline);
    List<Operation> operations = new ArrayList<>();
    for (JsonNode bucket : answer.path("aggregations").path("operations").path("buckets")) {
      operations.add(
          new Operation(bucket.path("key").path(0).asText(), bucket.path("key").path(1).asText()));
    }
    operations.sort(
        java.util.Comparator.comparing(Operation::name).thenComparing(Operation::spanKind));
    return new Answer<>(operations, partial(answer));
  }

  private static ObjectNode field(String name) {
    return Connection.JSON.createObjectNode().put("field", name);
  }

  /** Reads every record matching {@code query} in order, a page at a time; false when cut short. */
  private boolean pages(
      Signal signal,
      ObjectNode query,
      long start,
      long end,
      boolean oldestFirst,
      int atMost,
      Deadline deadline,
      java.util.function.Consumer<StoredRecord> each)
      throws IOException {
    Optional<Cursor> cursor = Optional.empty();
    int read = 0;
    while (true) {
      ObjectNode body = Connection.JSON.createObjectNode();
      body.set("query", query);
      body.set("sort", sort(oldestFirst));
      body.put("size", Math.min(MAX_PAGE, atMost - read));
      body.put("track_total_hits", false);
      body.putObject("_source")
          .putArray("includes")
          .add(JsonDocument.SOURCE)
          .add(JsonDocument.TIMESTAMP)
          .add(JsonDocument.SEQUENCE)
          .add(JsonDocument.POSITION)
          .add("pattern.id");
      cursor.ifPresent(after -> body.set("search_after", after(after)));
      JsonNode answer = search(signal, start, end, body, deadline);
      JsonNode hits = answer.path("hits").path("hits");
      Cursor last = null;
      Map<String, LogPattern> resolved = new HashMap<>();
      for (JsonNode hit : hits) {
        StoredRecord record = record(signal, hit, resolved);
        each.accept(record);
        last = record.cursor();
        read++;
      }
      if (partial(answer) || deadline.expired()) {
        return false;
      }
      if (last == null || hits.size() < body.path("size").asInt()) {
        return true;
      }
      if (read >= atMost) {
        return false;
      }
      cursor = Optional.of(last);
    }
  }

  @Override
  public MetricSeries metricSeries(MetricQuery query) throws IOException {
    MetricSeriesBuilder series = new MetricSeriesBuilder(query);
    boolean complete =
        pages(
            Signal.METRICS,
            query(
                query.query(),
                query.startNanos(),
                query.endNanos(),
                term("metric.name", query.name())),
            query.startNanos(),
            query.endNanos(),
            true,
            MetricSeriesBuilder.MAX_POINTS + 1,
            query.deadline(),
            record -> series.add((StoredPoint) record));
    return series.build(!complete);
  }

  @Override
  public Answer<List<Dependency>> dependencies(long start, long end, Deadline deadline)
      throws IOException {
    DependencyLinker linker = new DependencyLinker();
    boolean complete =
        pages(
            Signal.TRACES,
            query("", start, end),
            start,
            end,
            false,
            MAX_DEPENDENCY_SPANS,
            deadline,
            record -> linker.add((StoredSpan) record));
    return new Answer<>(linker.link(), !complete);
  }

  @Override
  public Map<String, FieldKind> fields(Signal signal) throws IOException {
    Map<String, String> params = Map.of("ignore_unavailable", "true", "allow_no_indices", "true");
    Connection.Answer answer =
        connection.json("GET", "/" + layout.prefix(signal) + "-*/_mapping", params, null);
    if (!answer.ok()) {
      throw new IOException("OpenSearch answered " + answer.status() + ": " + answer.reason());
    }
    Map<String, FieldKind> fields = new java.util.TreeMap<>();
    for (JsonNode index : answer.body()) {
      var properties = index.path("mappings").path("properties").properties();
      for (Map.Entry<String, JsonNode> field : properties) {
        String name = field.getKey();
        if (name.startsWith("@")
            || name.startsWith("wal.")
            || name.equals(JsonDocument.SOURCE)
            || name.endsWith(QuerySyntax.NUMERIC_SUFFIX)) {
          continue;
        }
        FieldKind kind =
            switch (field.getValue().path("type").asText()) {
              case "keyword" -> FieldKind.KEYWORD;
              case "text" -> FieldKind.TEXT;
              case "long", "integer", "double" ->
                  name.equals(JsonDocument.TIMESTAMP) || name.endsWith("_timestamp")
                      ? FieldKind.TIME
                      : FieldKind.NUMBER;
              default -> null;
            };
        if (kind != null) {
          fields.put(name, kind);
        }
      }
    }
    return fields;
  }

  @Override
  public AggregationResult aggregate(AggregationRequest request) throws IOException {
    Aggregations.check(request);
    ObjectNode body = Connection.JSON.createObjectNode();
    body.set("query", query(request.query(), request.startNanos(), request.endNanos()));
    body.put("size", 0);
    body.put("track_total_hits", true);
    body.set("aggs", Aggregations.aggs(request));
    JsonNode answer =
        search(
            request.signal(), request.startNanos(), request.endNanos(), body, request.deadline());
    return Aggregations.result(request, answer, partial(answer));
  }

  /**
   * What this instance acknowledges from now on (docs/adr/0018: a tail on one instance does not see
   * what other instances sharing the cluster take in).
   */
  @Override
  public TailSubscription tail(TailRequest request, TailListener listener) {
    return tail.subscribe(request, listener);
  }

  @Override
  public Optional<LogPattern> pattern(String id) {
    return patterns.resolve(id);
  }
}
