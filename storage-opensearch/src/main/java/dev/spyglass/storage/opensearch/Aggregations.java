package dev.spyglass.storage.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.InvalidQueryException;
import dev.spyglass.storage.Measure;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An {@link AggregationRequest} as OpenSearch aggregations — terms (or multi-terms) ordered by
 * count then key, a histogram on the ns timestamp with every bucket of the range, stats, HDR
 * percentiles at three significant digits (the embedded store's 0.1%), a filter for errors — and
 * the answer read back into the contract's groups.
 */
final class Aggregations {
  /** Fields a group may be made of: the embedded store's, plus any attribute keyword. */
  private static final Set<String> GROUPABLE =
      Set.of(
          "service.name",
          "name",
          "kind",
          "status.code",
          "severity_text",
          "metric.name",
          "metric.type",
          "pattern.id");

  private static final Set<String> NUMERIC =
      Set.of("duration", "severity_number", "value", "count", "sum", "timestamp");

  private static final String MISSING = "\u0000none";

  private Aggregations() {}

  static void check(AggregationRequest request) {
    for (String field : request.groupBy()) {
      if (!GROUPABLE.contains(field)
          && !field.startsWith("attributes.")
          && !field.startsWith("resource.")) {
        throw new InvalidQueryException(
            "invalid_group_by",
            "cannot group by '"
                + field
                + "'; group by one of "
                + new TreeSet<>(GROUPABLE)
                + ", attributes.<key> or resource.<key>");
      }
    }
    for (Measure measure : request.measures()) {
      if (measure.function().needsField() && !NUMERIC.contains(measure.field())) {
        throw new InvalidQueryException(
            "invalid_metric",
            "'"
                + measure.field()
                + "' is not a numeric field; use one of "
                + new TreeSet<>(NUMERIC));
      }
    }
  }

  /** The {@code aggs} of the search body. */
  static ObjectNode aggs(AggregationRequest request) {
    ObjectNode aggs = Connection.JSON.createObjectNode();
    ObjectNode measures = measures(request);
    ObjectNode inner = measures;
    if (request.intervalNanos() > 0) {
      inner = measures.deepCopy();
      ObjectNode histogram = Connection.JSON.createObjectNode();
      ObjectNode spec = histogram.putObject("histogram");
      spec.put("field", JsonDocument.TIMESTAMP);
      spec.put("interval", request.intervalNanos());
      spec.put("min_doc_count", 0);
      spec.putObject("extended_bounds")
          .put(
              "min",
              Math.floorDiv(request.startNanos(), request.intervalNanos())
                  * request.intervalNanos())
          .put(
              "max",
              Math.floorDiv(request.endNanos(), request.intervalNanos()) * request.intervalNanos());
      histogram.set("aggs", measures);
      inner.set("time", histogram);
    }
    if (request.groupBy().isEmpty()) {
      aggs.set(
          "all",
          Connection.JSON
              .createObjectNode()
              .<ObjectNode>set("filter", matchAll())
              .set("aggs", inner));
      return aggs;
    }
    ObjectNode groups = aggs.putObject("groups");
    ArrayNode order = Connection.JSON.createArrayNode();
    order.addObject().put("_count", "desc");
    order.addObject().put("_key", "asc");
    int shardSize = Math.max(request.size() * 10, 1000);
    if (request.groupBy().size() == 1) {
      ObjectNode terms = groups.putObject("terms");
      terms.put("field", request.groupBy().getFirst());
      terms.put("missing", MISSING);
      terms.put("size", request.size());
      terms.put("shard_size", shardSize);
      terms.set("order", order);
    } else {
      ObjectNode terms = groups.putObject("multi_terms");
      ArrayNode fields = terms.putArray("terms");
      for (String field : request.groupBy()) {
        fields.addObject().put("field", field).put("missing", MISSING);
      }
      terms.put("size", request.size());
      terms.put("shard_size", shardSize);
      terms.set("order", order);
    }
    groups.set("aggs", inner);
    return aggs;
  }

  private static ObjectNode matchAll() {
    ObjectNode all = Connection.JSON.createObjectNode();
    all.putObject("match_all");
    return all;
  }

  private static ObjectNode measures(AggregationRequest request) {
    ObjectNode aggs = Connection.JSON.createObjectNode();
    for (int i = 0; i < request.measures().size(); i++) {
      Measure measure = request.measures().get(i);
      String name = "m" + i;
      switch (measure.function()) {
        case COUNT, RATE -> {}
        case ERRORS ->
            aggs.putObject(name).putObject("filter").putObject("term").put("status.code", "error");
        case AVG, MIN, MAX, SUM ->
            aggs.putObject(name).putObject("stats").put("field", measure.field());
        default -> {
          ObjectNode percentiles = aggs.putObject(name).putObject("percentiles");
          percentiles.put("field", measure.field());
          percentiles.putArray("percents").add(measure.function().quantile() * 100);
          percentiles.putObject("hdr").put("number_of_significant_value_digits", 3);
          percentiles.put("keyed", false);
        }
      }
    }
    return aggs;
  }

  /** The contract's answer from OpenSearch's. */
  static AggregationResult result(AggregationRequest request, JsonNode answer, boolean partial) {
    JsonNode aggregations = answer.path("aggregations");
    long total = answer.path("hits").path("total").path("value").asLong();
    double rangeSeconds = (request.endNanos() - request.startNanos()) / 1e9;
    double bucketSeconds = request.intervalNanos() / 1e9;
    List<AggregationResult.Group> groups = new ArrayList<>();
    long other = 0;
    if (request.groupBy().isEmpty()) {
      JsonNode all = aggregations.path("all");
      if (all.path("doc_count").asLong() > 0) {
        groups.add(group(request, List.of(), all, rangeSeconds, bucketSeconds));
      }
    } else {
      JsonNode terms = aggregations.path("groups");
      other = terms.path("sum_other_doc_count").asLong();
      for (JsonNode bucket : terms.path("buckets")) {
        List<String> key = new ArrayList<>();
        if (request.groupBy().size() == 1) {
          key.add(keyValue(bucket.path("key")));
        } else {
          bucket.path("key").forEach(value -> key.add(keyValue(value)));
        }
        groups.add(group(request, key, bucket, rangeSeconds, bucketSeconds));
      }
    }
    return new AggregationResult(total, other, groups, partial);
  }

  private static String keyValue(JsonNode value) {
    String text = value.asText();
    return text.equals(MISSING) ? "" : text;
  }

  private static AggregationResult.Group group(
      AggregationRequest request,
      List<String> key,
      JsonNode bucket,
      double rangeSeconds,
      double bucketSeconds) {
    double[] values = values(request, bucket, rangeSeconds);
    List<AggregationResult.TimeBucket> histogram = new ArrayList<>();
    if (request.intervalNanos() > 0) {
      for (JsonNode time : bucket.path("time").path("buckets")) {
        long start =
            Math.round(time.path("key").asDouble() / request.intervalNanos())
                * request.intervalNanos();
        histogram.add(
            new AggregationResult.TimeBucket(start, values(request, time, bucketSeconds)));
      }
    }
    return new AggregationResult.Group(key, values, histogram);
  }

  private static double[] values(AggregationRequest request, JsonNode bucket, double seconds) {
    long count = bucket.path("doc_count").asLong();
    double[] values = new double[request.measures().size()];
    for (int i = 0; i < values.length; i++) {
      Measure measure = request.measures().get(i);
      JsonNode result = bucket.path("m" + i);
      values[i] =
          switch (measure.function()) {
            case COUNT -> count;
            case RATE -> seconds > 0 ? count / seconds : Double.NaN;
            case ERRORS -> result.path("doc_count").asLong();
            case AVG -> stat(result, "avg");
            case MIN -> stat(result, "min");
            case MAX -> stat(result, "max");
            case SUM ->
                result.path("count").asLong() == 0 ? Double.NaN : result.path("sum").asDouble();
            default -> {
              JsonNode value = result.path("values").path(0).path("value");
              yield value.isNumber() ? value.asDouble() : Double.NaN;
            }
          };
    }
    return values;
  }

  private static double stat(JsonNode stats, String name) {
    JsonNode value = stats.path(name);
    return stats.path("count").asLong() == 0 || !value.isNumber() ? Double.NaN : value.asDouble();
  }
}
