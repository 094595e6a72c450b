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
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.Measure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/{signal}/aggregate?q=&start=&end=&group_by=&interval=&metrics=&size=}: the top
 * {@code size} groups by {@code group_by} (comma-separated keyword fields), each with its metrics
 * and, when {@code interval} is given ({@code 1m}, or {@code auto}), a date histogram with the same
 * metrics per bucket — e.g. errors per service per minute, or RED metrics from spans ({@code
 * group_by=service.name,name&metrics=rate,errors,p95(duration)}). Metrics: {@code count}, {@code
 * rate} (per second), {@code errors} (spans with status error), {@code
 * avg|min|max|sum|p50|p75|p90|p95|p99(field)}.
 */
final class AggregateApi {
  private static final Pattern FUNCTION =
      Pattern.compile("(avg|min|max|sum|p50|p75|p90|p95|p99)\\(([a-z_.]+)\\)");

  private final Readers readers;
  private final Times times;

  AggregateApi(Readers readers, Times times) {
    this.readers = readers;
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
    List<String> groupBy = list(params.string("group_by", ""));
    List<String> names = list(params.string("metrics", "count"));
    AggregationRequest request =
        request(
            signal,
            q,
            range,
            groupBy,
            names,
            params.string("interval", ""),
            params.integer("size", 10, 1, 1000));
    long interval = request.intervalNanos();
    AggregationResult result = readers.get().aggregate(request);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("total", result.total());
      json.writeNumberField("other_count", result.otherCount());
      if (interval > 0) {
        json.writeStringField("interval", describe(interval));
      } else {
        json.writeNullField("interval");
      }
      json.writeArrayFieldStart("buckets");
      for (AggregationResult.Group group : result.groups()) {
        json.writeStartObject();
        json.writeObjectFieldStart("key");
        for (int i = 0; i < groupBy.size(); i++) {
          json.writeStringField(groupBy.get(i), group.key().get(i));
        }
        json.writeEndObject();
        writeValues(json, names, group.values());
        if (interval > 0) {
          json.writeArrayFieldStart("histogram");
          for (AggregationResult.TimeBucket bucket : group.histogram()) {
            json.writeStartObject();
            json.writeStringField("start", Times.format(bucket.startNanos()));
            writeValues(json, names, bucket.values());
            json.writeEndObject();
          }
          json.writeEndArray();
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeNumberField("took_ms", (System.nanoTime() - started) / 1_000_000);
      json.writeBooleanField("partial", result.partial());
      json.writeEndObject();
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }

  /**
   * The aggregation the parameters ask for, checked as this endpoint checks them (the gRPC {@code
   * Aggregate} asks the same way).
   *
   * @param metrics the measures' names as given, {@code count} or {@code p95(duration)}
   * @param interval a Go duration, {@code auto}, or empty for no histogram
   */
  AggregationRequest request(
      Signal signal,
      String q,
      Times.Range range,
      List<String> groupBy,
      List<String> metrics,
      String interval,
      int size) {
    return new AggregationRequest(
        signal,
        q,
        range.start(),
        range.end(),
        groupBy,
        interval(interval, range.start(), range.end()),
        metrics.stream().map(AggregateApi::measure).toList(),
        size,
        readers.deadline());
  }

  /** {@code count}, {@code rate}, {@code errors} or {@code fn(field)}. */
  static Measure measure(String text) {
    switch (text) {
      case "count", "rate", "errors" -> {
        return Measure.of(Measure.Function.valueOf(text.toUpperCase(Locale.ROOT)));
      }
      default -> {}
    }
    Matcher function = FUNCTION.matcher(text);
    if (!function.matches()) {
      throw ApiException.badRequest(
          "invalid_metric",
          "metric '"
              + text
              + "' is not count, rate, errors or avg|min|max|sum|p50|p75|p90|p95|p99(field)");
    }
    return new Measure(
        Measure.Function.valueOf(function.group(1).toUpperCase(Locale.ROOT)), function.group(2));
  }

  /** Each measure under the name the request gave it; null where it has no value. */
  private static void writeValues(JsonGenerator json, List<String> names, double[] values)
      throws IOException {
    for (int i = 0; i < names.size(); i++) {
      double value = values[i];
      if (Double.isNaN(value)) {
        json.writeNullField(names.get(i));
      } else if (value == Math.rint(value) && Math.abs(value) < 9e15) {
        json.writeNumberField(names.get(i), (long) value);
      } else {
        json.writeNumberField(names.get(i), value);
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
      interval = autoInterval(start, end);
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
    return interval;
  }

  /** An interval for about 60 buckets over [start, end], from a fixed ladder. */
  static long autoInterval(long startNanos, long endNanos) {
    long[] ladder = {
      1, 5, 10, 30, 60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 7 * 86_400
    };
    long span = Math.max(1, endNanos - startNanos);
    for (long seconds : ladder) {
      if (span / (seconds * 1_000_000_000L) <= 60) {
        return seconds * 1_000_000_000L;
      }
    }
    return ladder[ladder.length - 1] * 1_000_000_000L;
  }

  static String describe(long intervalNanos) {
    long seconds = intervalNanos / 1_000_000_000L;
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  static List<String> list(String text) {
    return Arrays.stream(text.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .distinct()
        .toList();
  }
}
