package dev.spyglass.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Get;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.GoDuration;
import dev.spyglass.storage.Cursor;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredRecord;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/metrics/query?name=&q=&start=&end=&step=&agg=&group_by=}: time series of one
 * metric, one per {@code group_by} value set ({@code service.name}, {@code resource.<key>}, {@code
 * attributes.<key>}), a point per {@code step}. {@code agg}: {@code avg} (default), {@code sum},
 * {@code min}, {@code max}, {@code count}, {@code last} over the values in each step; {@code rate}
 * — per second increase of monotonic sums, per series, counter resets handled, then summed; {@code
 * p50|p90|p95|p99} — from histogram buckets (the increase within the step for cumulative ones),
 * interpolated within the bucket as Prometheus's {@code histogram_quantile} does.
 */
final class MetricsQueryApi {
  static final int MAX_POINTS = 1_000_000;

  private final Stores stores;
  private final Times times;

  MetricsQueryApi(Stores stores, Times times) {
    this.stores = stores;
    this.times = times;
  }

  /** What one step of one group has gathered. */
  private static final class Step {
    long count;
    double sum;
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    double last;
    long lastTime = Long.MIN_VALUE;
    double increase;
    double[] bounds;
    double[] buckets;

    void value(long time, double value) {
      count++;
      sum += value;
      min = Math.min(min, value);
      max = Math.max(max, value);
      if (time >= lastTime) {
        lastTime = time;
        last = value;
      }
    }

    void buckets(double[] bounds, double[] counts) {
      if (this.bounds == null) {
        this.bounds = bounds;
        this.buckets = new double[counts.length];
      }
      if (Arrays.equals(this.bounds, bounds) && buckets.length == counts.length) {
        for (int i = 0; i < counts.length; i++) {
          buckets[i] += counts[i];
        }
      }
    }
  }

  /** The previous point of one series, for increases. */
  private record Previous(double value, double[] counts) {}

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
    long start = range.start();
    long end = range.end();
    String agg = params.string("agg", "avg");
    if (!List.of("avg", "sum", "min", "max", "count", "last", "rate", "p50", "p90", "p95", "p99")
        .contains(agg)) {
      throw ApiException.badRequest(
          "invalid_agg", "agg must be avg, sum, min, max, count, last, rate or p50|p90|p95|p99");
    }
    long step = step(params.string("step", ""), start, end);
    List<String> groupBy =
        Arrays.stream(params.string("group_by", "").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();
    String search =
        "metric.name:" + JaegerApi.quote(name) + (q.isBlank() ? "" : " AND (" + q + ")");

    Map<List<String>, TreeMap<Long, Step>> groups = new LinkedHashMap<>();
    Map<String, Previous> previous = new HashMap<>();
    Optional<Cursor> cursor = Optional.empty();
    long points = 0;
    do {
      SearchResult page =
          stores
              .get()
              .reader()
              .search(
                  new SearchRequest(
                      Signal.METRICS,
                      search,
                      start,
                      end,
                      1000,
                      cursor,
                      true,
                      java.time.Duration.ZERO));
      for (StoredRecord hit : page.hits()) {
        if (++points > MAX_POINTS) {
          throw ApiException.badRequest(
              "too_many_points", "more than " + MAX_POINTS + " points; narrow start..end or q");
        }
        RecordJson.Decoded decoded = RecordJson.decode(hit);
        Metric metric = (Metric) decoded.record();
        List<KeyValue> attributes = attributes(metric);
        List<String> key = new ArrayList<>();
        for (String field : groupBy) {
          key.add(label(field, decoded, attributes));
        }
        String series = decoded.resource().getAttributesList() + "|" + attributes;
        long bucket = Math.floorDiv(hit.timestampNanos(), step) * step;
        Step target =
            groups
                .computeIfAbsent(key, k -> new TreeMap<>())
                .computeIfAbsent(bucket, b -> new Step());
        add(target, metric, hit.timestampNanos(), series, previous);
      }
      cursor = page.next();
    } while (cursor.isPresent());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("name", name);
      json.writeStringField("agg", agg);
      json.writeStringField("step", Aggregation.describe(step));
      json.writeArrayFieldStart("series");
      for (Map.Entry<List<String>, TreeMap<Long, Step>> group : groups.entrySet()) {
        json.writeStartObject();
        json.writeObjectFieldStart("labels");
        for (int i = 0; i < groupBy.size(); i++) {
          json.writeStringField(groupBy.get(i), group.getKey().get(i));
        }
        json.writeEndObject();
        json.writeArrayFieldStart("points");
        for (Map.Entry<Long, Step> point : group.getValue().entrySet()) {
          Double value = value(agg, point.getValue(), step / 1e9);
          json.writeStartObject();
          json.writeStringField("timestamp", Times.format(point.getKey()));
          if (value == null) {
            json.writeNullField("value");
          } else {
            json.writeNumberField("value", value);
          }
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeNumberField("took_ms", (System.nanoTime() - started) / 1_000_000);
      json.writeEndObject();
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }

  private static void add(
      Step step, Metric metric, long time, String series, Map<String, Previous> previous) {
    switch (metric.getDataCase()) {
      case GAUGE -> step.value(time, number(metric.getGauge().getDataPoints(0)));
      case SUM -> {
        double value = number(metric.getSum().getDataPoints(0));
        step.value(time, value);
        boolean cumulative =
            metric.getSum().getAggregationTemporality()
                == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
        if (!cumulative) {
          step.increase += value;
        } else {
          Previous before = previous.put(series, new Previous(value, null));
          if (before != null) {
            step.increase += value >= before.value() ? value - before.value() : value; // reset
          }
        }
      }
      case HISTOGRAM -> {
        HistogramDataPoint point = metric.getHistogram().getDataPoints(0);
        double[] bounds =
            point.getExplicitBoundsList().stream().mapToDouble(Double::doubleValue).toArray();
        double[] counts =
            point.getBucketCountsList().stream().mapToDouble(Long::doubleValue).toArray();
        step.value(time, point.getCount() == 0 ? 0 : point.getSum() / point.getCount());
        boolean cumulative =
            metric.getHistogram().getAggregationTemporality()
                == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
        double[] increase = counts;
        if (cumulative) {
          Previous before = previous.put(series, new Previous(point.getCount(), counts));
          if (before != null
              && before.counts().length == counts.length
              && point.getCount() >= before.value()) {
            increase = new double[counts.length];
            for (int i = 0; i < counts.length; i++) {
              increase[i] = counts[i] - before.counts()[i];
            }
          }
        }
        step.buckets(bounds, increase);
      }
      default -> {}
    }
  }

  private static Double value(String agg, Step step, double stepSeconds) {
    return switch (agg) {
      case "avg" -> step.count == 0 ? null : step.sum / step.count;
      case "sum" -> step.sum;
      case "min" -> step.count == 0 ? null : step.min;
      case "max" -> step.count == 0 ? null : step.max;
      case "count" -> (double) step.count;
      case "last" -> step.count == 0 ? null : step.last;
      case "rate" -> step.increase / stepSeconds;
      default -> quantile(Integer.parseInt(agg.substring(1)) / 100.0, step.bounds, step.buckets);
    };
  }

  /** Prometheus's histogram_quantile: linear within the bucket the rank falls in. */
  static Double quantile(double q, double[] bounds, double[] counts) {
    if (counts == null) {
      return null;
    }
    double total = Arrays.stream(counts).sum();
    if (total <= 0) {
      return null;
    }
    double rank = q * total;
    double seen = 0;
    for (int i = 0; i < counts.length; i++) {
      if (seen + counts[i] >= rank && counts[i] > 0) {
        double lower = i == 0 ? 0 : bounds[i - 1];
        if (i >= bounds.length) {
          return lower; // the +Inf bucket: its lower bound, as Prometheus does
        }
        double upper = bounds[i];
        return lower + (upper - lower) * ((rank - seen) / counts[i]);
      }
      seen += counts[i];
    }
    return bounds.length == 0 ? null : bounds[bounds.length - 1];
  }

  private static String label(String field, RecordJson.Decoded decoded, List<KeyValue> attributes) {
    if (field.equals("service.name")) {
      return RecordJson.serviceName(decoded.resource());
    }
    if (field.startsWith("resource.")) {
      return find(decoded.resource().getAttributesList(), field.substring("resource.".length()));
    }
    return find(attributes, field.substring("attributes.".length())); // validated up front
  }

  private static String find(List<KeyValue> attributes, String key) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals(key)) {
        return DocumentText.of(attribute.getValue());
      }
    }
    return "";
  }

  private static List<KeyValue> attributes(Metric metric) {
    return switch (metric.getDataCase()) {
      case GAUGE -> metric.getGauge().getDataPoints(0).getAttributesList();
      case SUM -> metric.getSum().getDataPoints(0).getAttributesList();
      case HISTOGRAM -> metric.getHistogram().getDataPoints(0).getAttributesList();
      case EXPONENTIAL_HISTOGRAM ->
          metric.getExponentialHistogram().getDataPoints(0).getAttributesList();
      case SUMMARY -> metric.getSummary().getDataPoints(0).getAttributesList();
      default -> List.of();
    };
  }

  private static double number(NumberDataPoint point) {
    return point.hasAsInt() ? point.getAsInt() : point.getAsDouble();
  }

  private static long step(String text, long start, long end) {
    if (text.isBlank() || text.equals("auto")) {
      return Aggregation.autoInterval(start, end);
    }
    long step;
    try {
      step = GoDuration.parse(text).toNanos();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_step", "step: " + e.getMessage());
    }
    if (step < 1_000_000_000L || (end - start) / step > Aggregation.MAX_TIME_BUCKETS) {
      throw ApiException.badRequest(
          "invalid_step",
          "step must be at least 1s and make at most " + Aggregation.MAX_TIME_BUCKETS + " points");
    }
    return step;
  }
}
