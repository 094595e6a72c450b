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
import dev.spyglass.storage.ExportPage;
import dev.spyglass.storage.ExportRequest;
import dev.spyglass.storage.FieldKind;
import dev.spyglass.storage.InvalidQueryException;
import dev.spyglass.storage.LogPattern;
import dev.spyglass.storage.MetricQuery;
import dev.spyglass.storage.MetricSeries;
import dev.spyglass.storage.Operation;
import dev.spyglass.storage.SearchHit;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.StoredRecords;
import dev.spyglass.storage.StoredSpan;
import dev.spyglass.storage.TailListener;
import dev.spyglass.storage.TailRequest;
import dev.spyglass.storage.TailSubscription;
import dev.spyglass.storage.TelemetryReader;
import dev.spyglass.storage.TraceRecords;
import dev.spyglass.storage.TraceRequest;
import dev.spyglass.storage.query.QuerySyntax;
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

  private final Connection connection;
  private final IndexLayout layout;

  OpenSearchReader(Connection connection, IndexLayout layout) {
    this.connection = connection;
    this.layout = layout;
  }

  /** The bool query of a read: the API's query and the time range. */
  private static ObjectNode query(String query, long startNanos, long endNanos) {
    ObjectNode out = Connection.JSON.createObjectNode();
    ObjectNode bool = out.putObject("bool");
    bool.withArray("filter").add(DslTranslator.translate(QuerySyntax.parse(query)));
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
    if (answer.status() == 400) {
      throw new InvalidQueryException(
          "invalid_query", "OpenSearch refused the query: " + answer.reason());
    }
    if (!answer.ok()) {
      throw new IOException("OpenSearch answered " + answer.status() + ": " + answer.reason());
    }
    return answer.body();
  }

  private static StoredRecord record(Signal signal, JsonNode hit) throws IOException {
    JsonNode source = hit.path("_source");
    Cursor cursor =
        new Cursor(
            source.path(JsonDocument.TIMESTAMP).asLong(),
            source.path(JsonDocument.SEQUENCE).asLong(),
            source.path(JsonDocument.POSITION).asInt());
    return StoredRecords.decode(signal, source.path(JsonDocument.SOURCE).binaryValue(), cursor);
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
        .add(JsonDocument.POSITION);
    request.after().ifPresent(cursor -> body.set("search_after", after(cursor)));
    if (request.highlight() && request.signal() == Signal.LOGS) {
      ObjectNode highlight = body.putObject("highlight");
      highlight.putObject("fields").putObject("body").put("number_of_fragments", 0);
      highlight.putArray("pre_tags").add("<mark>");
      highlight.putArray("post_tags").add("</mark>");
    }
    JsonNode answer =
        search(
            request.signal(), request.startNanos(), request.endNanos(), body, request.deadline());
    List<SearchHit> hits = new ArrayList<>();
    Cursor last = null;
    for (JsonNode hit : answer.path("hits").path("hits")) {
      StoredRecord record = record(request.signal(), hit);
      Map<String, String> highlights = new HashMap<>();
      JsonNode body_ = hit.path("highlight").path("body");
      if (body_.isArray() && !body_.isEmpty()) {
        highlights.put("body", body_.get(0).asText());
      }
      hits.add(new SearchHit(record, highlights));
      last = record.cursor();
    }
    long total = answer.path("hits").path("total").path("value").asLong(hits.size());
    Optional<Cursor> next =
        hits.size() == request.limit() && last != null ? Optional.of(last) : Optional.empty();
    return new SearchResult(total, hits, next, partial(answer));
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
                true,
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
                  true,
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

  private List<String> terms(
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
    return values;
  }

  @Override
  public Answer<List<String>> services(Signal signal, long start, long end, Deadline deadline)
      throws IOException {
    return Answer.complete(terms(signal, "service.name", "", start, end, deadline));
  }

  @Override
  public Answer<List<Operation>> operations(String service, long start, long end, Deadline deadline)
      throws IOException {
    throw new UnsupportedOperationException("operations on OpenSearch: issue 18, next step");
  }

  @Override
  public AggregationResult aggregate(AggregationRequest request) throws IOException {
    throw new UnsupportedOperationException("aggregations on OpenSearch: issue 18, next step");
  }

  @Override
  public MetricSeries metricSeries(MetricQuery query) throws IOException {
    throw new UnsupportedOperationException("metric series on OpenSearch: issue 18, next step");
  }

  @Override
  public Answer<List<Dependency>> dependencies(long start, long end, Deadline deadline)
      throws IOException {
    throw new UnsupportedOperationException("dependencies on OpenSearch: issue 18, next step");
  }

  @Override
  public Map<String, FieldKind> fields(Signal signal) throws IOException {
    throw new UnsupportedOperationException("fields on OpenSearch: issue 18, next step");
  }

  @Override
  public TailSubscription tail(TailRequest request, TailListener listener) {
    throw new UnsupportedOperationException("live tail on OpenSearch: issue 18, next step");
  }

  @Override
  public Optional<LogPattern> pattern(String id) {
    return Optional.empty();
  }
}
