package dev.spyglass.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Time to first rendered results of the web UI, in chromium, against the Spyglass of the query
 * benchmark (its 10M log records): the logs page and a trace of 500 spans this class sends, 20 cold
 * loads each ({@code ui/tests/first-render.mjs}).
 */
final class UiBenchmark {
  static final int SPANS = 500;
  static final int LOADS = 20;

  private UiBenchmark() {}

  /** Percentiles of one page's loads, in milliseconds. */
  record Figure(String page, double p50, double p95, double max) {}

  static List<Figure> run(SpyglassUnderTest spyglass, Path home, PrintStream out) throws Exception {
    Path ui = home.resolve("ui");
    if (!Files.isDirectory(ui.resolve("node_modules/playwright-core"))
        || !Files.isExecutable(
            Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium")))) {
      out.println("ui: skipped (needs ui/node_modules from the build and chromium)");
      return List.of();
    }
    String traceId = sendTrace(spyglass);
    for (int i = 0; i < 200; i++) {
      HttpResponse<String> trace = spyglass.get("/api/v1/traces/" + traceId);
      if (trace.statusCode() == 200 && trace.body().contains("\"span_count\":" + SPANS + ",")) {
        break;
      }
      Thread.sleep(100);
    }
    Path output = Files.createTempFile("first-render", ".json");
    Process node =
        new ProcessBuilder(
                "node",
                "tests/first-render.mjs",
                "http://127.0.0.1:" + spyglass.api,
                traceId,
                String.valueOf(SPANS),
                String.valueOf(LOADS))
            .directory(ui.toFile())
            .redirectOutput(output.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    if (!node.waitFor(15, TimeUnit.MINUTES) || node.exitValue() != 0) {
      node.destroyForcibly();
      out.println("ui: the browser measurement failed");
      return List.of();
    }
    JsonNode answer = new ObjectMapper().readTree(Files.readString(output));
    List<Figure> figures = new ArrayList<>();
    for (Map.Entry<String, JsonNode> page : answer.properties()) {
      double[] millis = new double[page.getValue().size()];
      for (int i = 0; i < millis.length; i++) {
        millis[i] = page.getValue().get(i).asDouble();
      }
      Arrays.sort(millis);
      Figure figure =
          new Figure(
              page.getKey(),
              percentile(millis, 50),
              percentile(millis, 95),
              millis[millis.length - 1]);
      figures.add(figure);
      out.printf(
          "  first results, %-28s p50 %6.0f ms  p95 %6.0f ms  max %6.0f ms  (%d loads)%n",
          figure.page(), figure.p50(), figure.p95(), figure.max(), millis.length);
    }
    return figures;
  }

  /** The nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double percentile) {
    int rank = (int) Math.ceil(percentile / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  /**
   * One trace of {@link #SPANS} spans over eight services, each span a child of an earlier one
   * (four children each, so 5 levels deep), spread over two seconds ending now.
   */
  private static String sendTrace(SpyglassUnderTest spyglass) throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    byte[] traceId = new byte[16];
    random.nextBytes(traceId);
    long end = System.currentTimeMillis() * 1_000_000L;
    long start = end - 2_000_000_000L;
    Map<String, ScopeSpans.Builder> byService = new LinkedHashMap<>();
    long[] starts = new long[SPANS];
    long[] ends = new long[SPANS];
    for (int i = 0; i < SPANS; i++) {
      int parent = (i - 1) / 4;
      if (i == 0) {
        starts[i] = start;
        ends[i] = end;
      } else {
        // Somewhere in the first half of the parent, ending before it does.
        long length = ends[parent] - starts[parent];
        starts[i] = starts[parent] + (long) (length * 0.5 * random.nextDouble());
        ends[i] =
            starts[i]
                + Math.max(
                    1, (long) ((ends[parent] - starts[i]) * (0.3 + 0.7 * random.nextDouble())));
      }
      String service = "service-" + (i % 8);
      Span.Builder span =
          Span.newBuilder()
              .setTraceId(ByteString.copyFrom(traceId))
              .setSpanId(spanId(i))
              .setName("operation-" + (i % 23))
              .setKind(i % 3 == 0 ? Span.SpanKind.SPAN_KIND_SERVER : Span.SpanKind.SPAN_KIND_CLIENT)
              .setStartTimeUnixNano(starts[i])
              .setEndTimeUnixNano(ends[i])
              .addAttributes(
                  KeyValue.newBuilder()
                      .setKey("http.route")
                      .setValue(AnyValue.newBuilder().setStringValue("/api/items/" + i)));
      if (i > 0) {
        span.setParentSpanId(spanId(parent));
      }
      byService.computeIfAbsent(service, s -> ScopeSpans.newBuilder()).addSpans(span);
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    byService.forEach(
        (service, spans) ->
            request.addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(
                                KeyValue.newBuilder()
                                    .setKey("service.name")
                                    .setValue(AnyValue.newBuilder().setStringValue(service))))
                    .addScopeSpans(spans)));
    HttpResponse<Void> sent =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + spyglass.http + "/v1/traces"))
                    .header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.build().toByteArray()))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    if (sent.statusCode() != 200) {
      throw new IllegalStateException("the benchmark's trace was refused: " + sent.statusCode());
    }
    return HexFormat.of().formatHex(traceId);
  }

  private static ByteString spanId(int index) {
    return ByteString.copyFrom(HexFormat.of().parseHex("%016x".formatted(index + 1L)));
  }
}
