package dev.spyglass.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Get;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.LogPattern;
import dev.spyglass.storage.Measure;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.TelemetryReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/logs/patterns?q=&start=&end=&limit=&filter=new|changed&samples=}: the log
 * patterns of the matching records (docs/adr/0016), most frequent first, each with its exact count
 * in the range and in the window of the same length before it, whether it is new (no record of it
 * before the range), first and last seen, counts per time bucket, the most frequent values behind
 * each wildcard in its newest {@code samples} records (default {@value #SAMPLED}, up to 1000) and
 * its newest record.
 */
final class PatternsApi {
  static final int SAMPLED = 20;
  private static final int GROUPS = 10_000;
  private static final List<Measure> MEASURES =
      List.of(
          Measure.of(Measure.Function.COUNT),
          new Measure(Measure.Function.MIN, "timestamp"),
          new Measure(Measure.Function.MAX, "timestamp"));

  private final Readers readers;
  private final Times times;

  PatternsApi(Readers readers, Times times) {
    this.readers = readers;
    this.times = times;
  }

  /** One pattern's figures, folded from every id that resolves to it. */
  private static final class Row {
    final LogPattern pattern;
    long count;
    long previous;
    boolean seenBefore;
    double first = Double.NaN;
    double last = Double.NaN;
    long[] histogram;

    Row(LogPattern pattern, int buckets) {
      this.pattern = pattern;
      this.histogram = new long[buckets];
    }
  }

  @Get("/api/v1/logs/patterns")
  @Blocking
  public HttpResponse patterns(QueryParams query) throws IOException {
    long started = System.nanoTime();
    Params params = new Params(query);
    String q = QueryGuard.check(params.string("q", ""));
    Times.Range range = times.range(params);
    int limit = params.integer("limit", 50, 1, 1000);
    int samples = params.integer("samples", SAMPLED, 1, 1000);
    String filter = params.string("filter", "");
    if (!filter.isEmpty() && !filter.equals("new") && !filter.equals("changed")) {
      throw ApiException.badRequest(
          "invalid_filter", "filter must be new or changed, got '" + filter + "'");
    }
    TelemetryReader reader = readers.get();
    long interval = AggregateApi.autoInterval(range.start(), range.end());
    AggregationResult now = aggregate(reader, q, range.start(), range.end(), interval);
    long length = range.end() - range.start();
    AggregationResult before =
        aggregate(reader, q, range.start() - length - 1, range.start() - 1, 0);

    Map<String, Row> rows = new LinkedHashMap<>();
    Map<String, LogPattern> resolved = new HashMap<>();
    int buckets = 0;
    for (AggregationResult.Group group : now.groups()) {
      buckets = Math.max(buckets, group.histogram().size());
    }
    for (AggregationResult.Group group : now.groups()) {
      LogPattern pattern = resolve(reader, group.key().getFirst(), resolved);
      if (pattern == null) {
        continue;
      }
      Row row = rows.computeIfAbsent(pattern.id(), id -> new Row(pattern, 0));
      if (row.histogram.length < buckets) {
        row.histogram = java.util.Arrays.copyOf(row.histogram, buckets);
      }
      row.count += (long) group.values()[0];
      row.first = min(row.first, group.values()[1]);
      row.last = max(row.last, group.values()[2]);
      for (int b = 0; b < group.histogram().size(); b++) {
        row.histogram[b] += (long) group.histogram().get(b).values()[0];
      }
    }
    for (AggregationResult.Group group : before.groups()) {
      LogPattern pattern = resolve(reader, group.key().getFirst(), resolved);
      Row row = pattern == null ? null : rows.get(pattern.id());
      if (row != null) {
        row.previous += (long) group.values()[0];
      }
    }
    // New: the pattern's first record (as the store mined it) is in the range, not before it.
    for (Row row : rows.values()) {
      row.seenBefore = row.pattern.firstSeenNanos() < range.start();
    }
    List<Row> shown =
        rows.values().stream()
            .filter(
                r ->
                    switch (filter) {
                      case "new" -> !r.seenBefore;
                      case "changed" -> changed(r);
                      default -> true;
                    })
            .sorted(Comparator.comparingLong((Row r) -> r.count).reversed())
            .limit(limit)
            .toList();
    List<Long> bucketStarts = new ArrayList<>();
    for (AggregationResult.Group group : now.groups()) {
      if (group.histogram().size() == buckets) {
        group.histogram().forEach(b -> bucketStarts.add(b.startNanos()));
        break;
      }
    }

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean partial = now.partial() || before.partial();
    try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("total", now.total());
      json.writeNumberField("pattern_count", rows.size());
      json.writeStringField("interval", AggregateApi.describe(interval));
      json.writeArrayFieldStart("patterns");
      for (Row row : shown) {
        partial |= write(json, reader, row, bucketStarts, q, range, samples);
      }
      json.writeEndArray();
      json.writeNumberField("took_ms", (System.nanoTime() - started) / 1_000_000);
      json.writeBooleanField("partial", partial);
      json.writeEndObject();
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }

  /** Counts at least doubled or halved against the window before, or appeared or vanished. */
  private static boolean changed(Row row) {
    return row.previous == 0 || row.count >= 2 * row.previous || 2 * row.count <= row.previous;
  }

  private AggregationResult aggregate(
      TelemetryReader reader, String q, long start, long end, long interval) throws IOException {
    if (end < start) {
      return new AggregationResult(0, 0, List.of(), false);
    }
    return reader.aggregate(
        new AggregationRequest(
            Signal.LOGS,
            q,
            start,
            end,
            List.of("pattern.id"),
            interval,
            MEASURES,
            GROUPS,
            readers.deadline()));
  }

  private static LogPattern resolve(
      TelemetryReader reader, String id, Map<String, LogPattern> resolved) {
    if (id == null || id.isEmpty()) {
      return null;
    }
    return resolved.computeIfAbsent(id, i -> reader.pattern(i).orElse(null));
  }

  /** Writes one pattern; true if its sample read ran past the deadline. */
  private boolean write(
      JsonGenerator json,
      TelemetryReader reader,
      Row row,
      List<Long> bucketStarts,
      String q,
      Times.Range range,
      int samples)
      throws IOException {
    LogPattern pattern = row.pattern;
    json.writeStartObject();
    json.writeStringField("id", pattern.id());
    json.writeStringField("service.name", pattern.service());
    json.writeStringField("template", pattern.template());
    json.writeNumberField("count", row.count);
    json.writeNumberField("previous_count", row.previous);
    json.writeBooleanField("new", !row.seenBefore);
    json.writeStringField("first_seen", Times.format(micros(row.first)));
    json.writeStringField("last_seen", Times.format(micros(row.last)));
    json.writeArrayFieldStart("histogram");
    for (int b = 0; b < row.histogram.length && b < bucketStarts.size(); b++) {
      json.writeStartObject();
      json.writeStringField("start", Times.format(bucketStarts.get(b)));
      json.writeNumberField("count", row.histogram[b]);
      json.writeEndObject();
    }
    json.writeEndArray();
    String scoped = "pattern.id:" + pattern.id() + (q.isBlank() ? "" : " AND (" + q + ")");
    SearchResult newest =
        reader.search(
            SearchRequest.of(Signal.LOGS, scoped, range.start(), range.end(), samples)
                .withCountTotal(false)
                .withDeadline(readers.deadline()));
    TemplateValues values = new TemplateValues(pattern.template());
    for (StoredRecord record : newest.records()) {
      var body = ((StoredLog) record).log().getBody();
      if (body.hasStringValue()) {
        values.add(body.getStringValue());
      }
    }
    json.writeNumberField("values_sampled", values.matched());
    json.writeArrayFieldStart("values");
    for (List<Map.Entry<String, Integer>> wildcard : values.top(10)) {
      json.writeStartArray();
      for (Map.Entry<String, Integer> value : wildcard) {
        json.writeStartObject();
        json.writeStringField("value", value.getKey());
        json.writeNumberField("count", value.getValue());
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    json.writeEndArray();
    if (!newest.records().isEmpty()) {
      json.writeFieldName("sample");
      RecordJson.write(json, newest.records().getFirst(), RecordJson.FieldWriter.NONE);
    }
    json.writeEndObject();
    return newest.partial();
  }

  /** A timestamp read as a double (aggregations compute in doubles), to the microsecond. */
  private static long micros(double nanos) {
    return Math.round(nanos / 1000) * 1000;
  }

  private static double min(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
  }

  private static double max(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
  }
}
