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
import dev.spyglass.pipeline.component.GoDuration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * {@code GET /api/v1/{signal}/aggregate?q=&start=&end=&group_by=&interval=&metrics=&size=}: the top
 * {@code size} groups by {@code group_by} (comma-separated keyword fields), each with its metrics
 * and, when {@code interval} is given ({@code 1m}, or {@code auto}), a date histogram with the same
 * metrics per bucket — e.g. errors per service per minute, or RED metrics from spans ({@code
 * group_by=service.name,name&metrics=rate,errors,p95(duration)}).
 */
final class AggregateApi {
  private final Stores stores;
  private final Times times;

  AggregateApi(Stores stores, Times times) {
    this.stores = stores;
    this.times = times;
  }

  @Get("regex:^/api/v1/(?<signal>logs|spans|metrics)/aggregate$")
  @Blocking
  public HttpResponse aggregate(@Param("signal") String signalName, QueryParams query)
      throws IOException {
    long started = System.nanoTime();
    Params params = new Params(query);
    Signal signal = Signals.parse(signalName);
    String q = QueryGuard.check(params.string("q", ""));
    Times.Range range = times.range(params);
    long start = range.start();
    long end = range.end();
    List<String> groupBy = list(params.string("group_by", ""));
    List<Aggregation.Metric> metrics =
        list(params.string("metrics", "count")).stream().map(Aggregation.Metric::parse).toList();
    long interval = interval(params.string("interval", ""), start, end);
    int size = params.integer("size", 10, 1, 1000);

    Aggregation aggregation = new Aggregation(groupBy, interval, metrics);
    stores.get().visitMatches(signal, q, start, end, aggregation);

    List<Aggregation.Group> groups = new ArrayList<>(aggregation.groups.values());
    groups.sort(
        Comparator.comparingLong((Aggregation.Group g) -> g.total.count)
            .reversed()
            .thenComparing(g -> String.join("\u0000", g.key)));
    long total = groups.stream().mapToLong(g -> g.total.count).sum();
    List<Aggregation.Group> top = groups.subList(0, Math.min(size, groups.size()));
    long other = total - top.stream().mapToLong(g -> g.total.count).sum();
    double rangeSeconds = (end - start) / 1e9;

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("total", total);
      json.writeNumberField("other_count", other);
      if (interval > 0) {
        json.writeStringField("interval", Aggregation.describe(interval));
      } else {
        json.writeNullField("interval");
      }
      json.writeArrayFieldStart("buckets");
      for (Aggregation.Group group : top) {
        json.writeStartObject();
        json.writeObjectFieldStart("key");
        for (int i = 0; i < groupBy.size(); i++) {
          json.writeStringField(groupBy.get(i), group.key.get(i));
        }
        json.writeEndObject();
        writeMetrics(json, metrics, group.total, rangeSeconds);
        if (interval > 0) {
          json.writeArrayFieldStart("histogram");
          long first = Math.floorDiv(start, interval) * interval;
          for (long bucket = first; bucket <= end; bucket += interval) {
            json.writeStartObject();
            json.writeStringField("start", Times.format(bucket));
            writeMetrics(
                json,
                metrics,
                group.buckets.getOrDefault(bucket, new Aggregation.Stats()),
                interval / 1e9);
            json.writeEndObject();
          }
          json.writeEndArray();
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeNumberField("took_ms", (System.nanoTime() - started) / 1_000_000);
      json.writeEndObject();
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }

  private static void writeMetrics(
      JsonGenerator json, List<Aggregation.Metric> metrics, Aggregation.Stats stats, double seconds)
      throws IOException {
    for (Aggregation.Metric metric : metrics) {
      Double value = stats.value(metric, seconds);
      if (value == null) {
        json.writeNullField(metric.name());
      } else if (value == Math.rint(value) && Math.abs(value) < 9e15) {
        json.writeNumberField(metric.name(), value.longValue());
      } else {
        json.writeNumberField(metric.name(), value);
      }
    }
  }

  private static long interval(String text, long start, long end) {
    String value = text.strip();
    if (value.isEmpty()) {
      return 0;
    }
    long interval;
    if (value.equals("auto")) {
      interval = Aggregation.autoInterval(start, end);
    } else {
      try {
        interval = GoDuration.parse(value).toNanos();
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(
            "invalid_interval", "interval: " + e.getMessage() + ", or auto");
      }
    }
    if (interval < 1_000_000_000L) {
      throw ApiException.badRequest("invalid_interval", "interval must be at least 1s");
    }
    if ((end - start) / interval > Aggregation.MAX_TIME_BUCKETS) {
      throw ApiException.badRequest(
          "too_many_buckets",
          "start..end at "
              + value
              + " makes more than "
              + Aggregation.MAX_TIME_BUCKETS
              + " buckets; use a larger interval");
    }
    return interval;
  }

  private static List<String> list(String text) {
    return Arrays.stream(text.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .distinct()
        .toList();
  }
}
