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
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.Measure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Jaeger's monitor tab (SPM) endpoints, computed from the stored spans: {@code
 * /api/metrics/latencies} (a quantile of span duration, in ms), {@code /api/metrics/calls} (calls
 * per second), {@code /api/metrics/errors} (errors as a fraction of calls), each per service or per
 * service and operation, one point per {@code step}, in Jaeger's {@code MetricFamily} JSON; {@code
 * /api/metrics/minstep}. Parameters as jaeger-query takes them: {@code service} (repeatable),
 * {@code groupByOperation}, {@code spanKind} (repeatable, default server), {@code endTs}, {@code
 * lookback}, {@code step}, {@code ratePer} (ms), {@code quantile}.
 */
final class JaegerMonitorApi {
  private static final long MS = 1_000_000L;
  private static final long MIN_STEP_MS = 1_000;

  private final Readers readers;
  private final Times times;

  JaegerMonitorApi(Readers readers, Times times) {
    this.readers = readers;
    this.times = times;
  }

  @Get("/api/metrics/minstep")
  public HttpResponse minStep() throws IOException {
    return JaegerApi.envelope(json -> json.writeNumber(MIN_STEP_MS), 0, false);
  }

  @Get("regex:^/api/metrics/(?<kind>latencies|calls|errors)$")
  @Blocking
  public HttpResponse metrics(@Param("kind") String kind, QueryParams query) throws IOException {
    try {
      return compute(kind, query);
    } catch (ApiException e) {
      return JaegerApi.jaegerError(e.status(), e.getMessage());
    }
  }

  private HttpResponse compute(String kind, QueryParams query) throws IOException {
    Params params = new Params(query);
    List<String> services = query.getAll("service");
    if (services.isEmpty() || services.stream().allMatch(String::isBlank)) {
      throw ApiException.badRequest("missing_service", "please provide at least one service name");
    }
    boolean byOperation = Boolean.parseBoolean(params.string("groupByOperation", "false"));
    long end = millis(params, "endTs", times.now() / MS) * MS;
    long lookback = millis(params, "lookback", 3_600_000L) * MS;
    long step = Math.max(MIN_STEP_MS, millis(params, "step", 60_000L)) * MS;
    if (lookback <= 0 || lookback / step > AggregationRequest.MAX_TIME_BUCKETS) {
      throw ApiException.badRequest(
          "invalid_step",
          "lookback must be positive and at most "
              + AggregationRequest.MAX_TIME_BUCKETS
              + " steps long");
    }
    Measure latency = null;
    double quantile = Double.NaN;
    if (kind.equals("latencies")) {
      quantile = quantile(params.string("quantile", ""));
      latency = new Measure(percentile(quantile), "duration");
    }
    List<String> clauses = new ArrayList<>();
    for (String service : services) {
      clauses.add("service.name:" + JaegerApi.quote(service));
    }
    List<String> kinds = new ArrayList<>();
    for (String spanKind :
        query.getAll("spanKind").isEmpty() ? List.of("server") : query.getAll("spanKind")) {
      kinds.add("kind:" + JaegerApi.quote(spanKind(spanKind)));
    }
    String q = "(" + String.join(" OR ", clauses) + ") AND (" + String.join(" OR ", kinds) + ")";
    List<Measure> measures =
        new ArrayList<>(
            List.of(
                new Measure(Measure.Function.COUNT, ""), new Measure(Measure.Function.ERRORS, "")));
    if (latency != null) {
      measures.add(latency);
    }
    // Whole steps ending at endTs, so every point is a full step.
    long start = end - (lookback / step) * step;
    AggregationResult result =
        readers
            .get()
            .aggregate(
                new AggregationRequest(
                    Signal.TRACES,
                    QueryGuard.check(q),
                    start,
                    end,
                    byOperation ? List.of("service.name", "name") : List.of("service.name"),
                    step,
                    measures,
                    1000,
                    readers.deadline()));
    String prefix = byOperation ? "service_operation_" : "service_";
    String by = byOperation ? "grouped by service & operation" : "grouped by service";
    String name;
    String help;
    switch (kind) {
      case "latencies" -> {
        name = prefix + "latencies";
        help = trim(quantile) + "th quantile latency, " + by;
      }
      case "calls" -> {
        name = prefix + "call_rate";
        help = "calls/sec, " + by;
      }
      default -> {
        name = prefix + "error_rate";
        help = "error rate, computed as a fraction of errors/sec over calls/sec, " + by;
      }
    }
    double stepSeconds = step / 1e9;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("name", name);
      json.writeStringField("type", "GAUGE");
      json.writeStringField("help", help);
      json.writeArrayFieldStart("metrics");
      for (AggregationResult.Group group : result.groups()) {
        json.writeStartObject();
        json.writeArrayFieldStart("labels");
        label(json, "service_name", group.key().get(0));
        if (byOperation) {
          label(json, "operation", group.key().get(1));
        }
        json.writeEndArray();
        json.writeArrayFieldStart("metricPoints");
        for (AggregationResult.TimeBucket bucket : group.histogram()) {
          double calls = bucket.values()[0];
          double value =
              switch (kind) {
                case "latencies" -> bucket.values()[2] / MS;
                case "calls" -> calls / stepSeconds;
                default -> calls > 0 ? bucket.values()[1] / calls : Double.NaN;
              };
          json.writeStartObject();
          json.writeObjectFieldStart("gaugeValue");
          if (Double.isNaN(value)) {
            json.writeStringField("doubleValue", "NaN"); // as Jaeger's protobuf JSON writes it
          } else {
            json.writeNumberField("doubleValue", value);
          }
          json.writeEndObject();
          json.writeStringField(
              "timestamp", Times.format(Math.min(bucket.startNanos() + step, end)));
          json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, out.toByteArray());
  }

  private static void label(JsonGenerator json, String name, String value) throws IOException {
    json.writeStartObject();
    json.writeStringField("name", name);
    json.writeStringField("value", value);
    json.writeEndObject();
  }

  private static long millis(Params params, String name, long fallback) {
    String text = params.string(name, "");
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "invalid_" + name, name + " must be milliseconds, got '" + text + "'");
    }
  }

  /** The quantiles the store computes; others are refused by name. */
  private static double quantile(String text) {
    if (text.isEmpty()) {
      throw ApiException.badRequest("missing_quantile", "please provide a quantile between (0, 1]");
    }
    try {
      double quantile = Double.parseDouble(text);
      percentile(quantile);
      return quantile;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "invalid_quantile", "quantile must be a number, got '" + text + "'");
    }
  }

  private static Measure.Function percentile(double quantile) {
    for (Measure.Function function : Measure.Function.values()) {
      if (function.quantile() == quantile) {
        return function;
      }
    }
    throw ApiException.badRequest(
        "invalid_quantile", "quantile must be one of 0.5, 0.75, 0.9, 0.95, 0.99, got " + quantile);
  }

  private static String spanKind(String text) {
    String kind = text.toLowerCase(Locale.ROOT).replace("span_kind_", "");
    return switch (kind) {
      case "server", "client", "producer", "consumer", "internal" -> kind;
      default ->
          throw ApiException.badRequest(
              "invalid_span_kind",
              "spanKind must be server, client, producer, consumer or internal, got '"
                  + text
                  + "'");
    };
  }

  private static String trim(double quantile) {
    String text = Double.toString(quantile);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }
}
