package dev.spyglass.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Get;
import dev.spyglass.pipeline.component.GoDuration;
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.MetricQuery;
import dev.spyglass.storage.MetricSeries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /api/v1/metrics/query?name=&q=&start=&end=&step=&agg=&group_by=}: time series of one
 * metric, one per {@code group_by} value set ({@code service.name}, {@code resource.<key>}, {@code
 * attributes.<key>}), a point per {@code step}. {@code agg}: {@code avg} (default), {@code sum},
 * {@code min}, {@code max}, {@code count}, {@code last}, {@code rate}, {@code p50|p90|p95|p99} (see
 * {@link MetricQuery.Aggregation}).
 */
final class MetricsQueryApi {
  private static final List<String> AGGREGATIONS =
      List.of("avg", "sum", "min", "max", "count", "last", "rate", "p50", "p90", "p95", "p99");

  private final Readers readers;
  private final Times times;

  MetricsQueryApi(Readers readers, Times times) {
    this.readers = readers;
    this.times = times;
  }

  @Get("/api/v1/metrics/query")
  @Blocking
  public HttpResponse query(QueryParams query) throws IOException {
    long started = System.nanoTime();
    Params params = new Params(query);
    String name = params.string("name", "");
    if (name.isBlank()) {
      throw ApiException.badRequest(
          "missing_name", "parameter 'name' (the metric name) is required");
    }
    String q = QueryGuard.check(params.string("q", ""));
    Times.Range range = times.range(params);
    String agg = params.string("agg", "avg");
    if (!AGGREGATIONS.contains(agg)) {
      throw ApiException.badRequest(
          "invalid_agg", "agg must be avg, sum, min, max, count, last, rate or p50|p90|p95|p99");
    }
    long step = step(params.string("step", ""), range.start(), range.end());
    List<String> groupBy = AggregateApi.list(params.string("group_by", ""));
    MetricSeries result =
        readers
            .get()
            .metricSeries(
                new MetricQuery(
                    name,
                    q,
                    range.start(),
                    range.end(),
                    step,
                    MetricQuery.Aggregation.valueOf(agg.toUpperCase(Locale.ROOT)),
                    groupBy,
                    readers.deadline()));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("name", name);
      json.writeStringField("agg", agg);
      json.writeStringField("step", AggregateApi.describe(step));
      json.writeArrayFieldStart("series");
      for (MetricSeries.Series series : result.series()) {
        json.writeStartObject();
        json.writeObjectFieldStart("labels");
        for (int i = 0; i < groupBy.size(); i++) {
          json.writeStringField(groupBy.get(i), series.labels().get(i));
        }
        json.writeEndObject();
        json.writeArrayFieldStart("points");
        for (MetricSeries.Point point : series.points()) {
          json.writeStartObject();
          json.writeStringField("timestamp", Times.format(point.timestampNanos()));
          if (Double.isNaN(point.value())) {
            json.writeNullField("value");
          } else {
            json.writeNumberField("value", point.value());
          }
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeNumberField("took_ms", (System.nanoTime() - started) / 1_000_000);
      json.writeBooleanField("partial", result.partial());
      json.writeEndObject();
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }

  private static long step(String text, long start, long end) {
    if (text.isBlank() || text.equals("auto")) {
      return AggregateApi.autoInterval(start, end);
    }
    long step;
    try {
      step = GoDuration.parse(text).toNanos();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_step", "step: " + e.getMessage());
    }
    if (step < 1_000_000_000L || (end - start) / step > AggregationRequest.MAX_TIME_BUCKETS) {
      throw ApiException.badRequest(
          "invalid_step",
          "step must be at least 1s and make at most "
              + AggregationRequest.MAX_TIME_BUCKETS
              + " points");
    }
    return step;
  }
}
