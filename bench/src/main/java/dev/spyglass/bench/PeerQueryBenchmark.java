package dev.spyglass.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spyglass.bench.data.LogGenerator;
import dev.spyglass.bench.data.Timeline;
import dev.spyglass.bench.load.LoadGenerator;
import dev.spyglass.bench.load.Payload;
import dev.spyglass.pipeline.Signal;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

/**
 * The query benchmark's records and questions, asked of a peer engine directly (issue 21): the same
 * generator, seeds and shared timeline as {@link QueryBenchmark}'s load, so the same records in the
 * same batches from the same 4 clients, as {@code _bulk} documents into one index mapped explicitly
 * (keywords for what Spyglass indexes as keywords, {@code text} body, {@code date_nanos} timestamp,
 * sorted on it newest first, best compression, one shard, no replica); the engine's process tree's
 * CPU from the first request until all are searchable; its store's bytes; then the same five
 * questions in its DSL with 1 and 8 clients.
 */
final class PeerQueryBenchmark {
  private static final String INDEX = "bench-peer-logs";
  private static final int CLIENTS = 4;
  private static final int BATCH = 1000;
  private static final byte[] ACTION =
      ("{\"index\":{\"_index\":\"" + INDEX + "\"}}\n")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** One engine's figures. */
  record Result(
      String engine,
      long records,
      double cpuSeconds,
      double wallSeconds,
      long storeBytes,
      List<QueryBenchmark.Figure> queries) {
    double recordsPerCpuSecond() {
      return records / cpuSeconds;
    }

    double bytesPerRecord() {
      return (double) storeBytes / records;
    }
  }

  private PeerQueryBenchmark() {}

  static Result run(
      String engine,
      String url,
      ProcessHandle process,
      QueryBenchmark.Options options,
      PrintStream out)
      throws Exception {
    OpenSearchRest rest = new OpenSearchRest(url);
    rest.call("PUT", "/" + INDEX, MAPPING);
    List<String> traceIds = new CopyOnWriteArrayList<>();
    long records = options.records();
    Timeline timeline = Timeline.spread(24L * 3600 * 1_000_000_000L, Math.min(records, 2_000_000));
    IntFunction<dev.spyglass.bench.data.Generator> generators =
        c -> new LogGenerator(options.corpus(), timeline, 7 + c, traceIds::add);
    List<List<Payload>> pools =
        new LoadGenerator(
                new LoadGenerator.Plan(
                    Signal.LOGS,
                    CLIENTS,
                    BATCH,
                    records,
                    0,
                    Long.MAX_VALUE,
                    (int) Math.min(records, 2_000_000)),
                generators)
            .pools(false);
    List<List<byte[]>> bodies = new ArrayList<>();
    for (List<Payload> pool : pools) {
      List<byte[]> pooled = new ArrayList<>();
      for (Payload payload : pool) {
        pooled.add(bulk((ExportLogsServiceRequest) payload.message()));
      }
      bodies.add(pooled);
    }
    pools.clear();
    out.printf("%s: loading %,d log records by _bulk, %d clients …%n", engine, records, CLIENTS);
    double cpuBefore = OpenSearchBenchmark.treeCpuSeconds(process);
    long started = System.nanoTime();
    send(rest, bodies, records);
    awaitCount(rest, records);
    double wall = (System.nanoTime() - started) / 1e9;
    double cpu = OpenSearchBenchmark.treeCpuSeconds(process) - cpuBefore;
    long bytes =
        rest.call("GET", "/" + INDEX + "/_stats/store", null)
            .path("_all")
            .path("primaries")
            .path("store")
            .path("size_in_bytes")
            .asLong();
    out.printf(
        "%s: %,d records searchable after %.1f s, %,.0f records per CPU-second, %.1f bytes/record"
            + " on disk%n",
        engine, records, wall, records / cpu, (double) bytes / records);
    List<QueryBenchmark.Figure> figures = new ArrayList<>();
    for (Map.Entry<String, IntFunction<String>> question : questions(traceIds).entrySet()) {
      for (int i = 0; i < Math.max(5, options.iterations() / 20); i++) {
        rest.call("POST", "/" + INDEX + "/_search", question.getValue().apply(i));
      }
      for (int clients : options.concurrency()) {
        QueryBenchmark.Figure figure =
            QueryBenchmark.measure(
                question.getKey(),
                i -> {
                  rest.call("POST", "/" + INDEX + "/_search", question.getValue().apply(i));
                  return true; // call() throws on any answer but 2xx
                },
                clients,
                options.iterations());
        figures.add(figure);
        out.printf(
            "  %-38s %d client%s: p50 %7.1f ms  p95 %7.1f ms  (%d errors)%n",
            figure.query(),
            clients,
            clients == 1 ? " " : "s",
            figure.millis(50),
            figure.millis(95),
            figure.errors());
      }
    }
    return new Result(engine, records, cpu, wall, bytes, figures);
  }

  /** The same mapping in both engines: what Spyglass indexes, as the kinds it indexes them. */
  private static final String MAPPING =
      """
      {"settings": {"index": {"number_of_shards": 1, "number_of_replicas": 0,
         "codec": "best_compression", "refresh_interval": "1s",
         "sort.field": "@timestamp", "sort.order": "desc"}},
       "mappings": {"dynamic": false, "properties": {
         "@timestamp": {"type": "date_nanos"},
         "observed_timestamp": {"type": "date_nanos", "index": false},
         "severity_text": {"type": "keyword"},
         "severity_number": {"type": "integer"},
         "body": {"type": "text"},
         "trace_id": {"type": "keyword"},
         "span_id": {"type": "keyword"},
         "service.name": {"type": "keyword"},
         "host.name": {"type": "keyword"},
         "deployment.environment.name": {"type": "keyword"},
         "component": {"type": "keyword"}}}}
      """;

  /** One OTLP request as {@code _bulk} NDJSON: a document per log record, its resource's too. */
  static byte[] bulk(ExportLogsServiceRequest request) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    HexFormat hex = HexFormat.of();
    for (ResourceLogs resource : request.getResourceLogsList()) {
      for (ScopeLogs scope : resource.getScopeLogsList()) {
        for (LogRecord record : scope.getLogRecordsList()) {
          bytes.write(ACTION);
          try (JsonGenerator json = OpenSearchRest.JSON.createGenerator(bytes)) {
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            json.writeStartObject();
            json.writeStringField("@timestamp", nanos(record.getTimeUnixNano()));
            json.writeStringField("observed_timestamp", nanos(record.getObservedTimeUnixNano()));
            json.writeStringField("severity_text", record.getSeverityText());
            json.writeNumberField("severity_number", record.getSeverityNumberValue());
            json.writeStringField("body", record.getBody().getStringValue());
            if (!record.getTraceId().isEmpty()) {
              json.writeStringField("trace_id", hex.formatHex(record.getTraceId().toByteArray()));
              json.writeStringField("span_id", hex.formatHex(record.getSpanId().toByteArray()));
            }
            for (KeyValue attribute : resource.getResource().getAttributesList()) {
              json.writeStringField(attribute.getKey(), attribute.getValue().getStringValue());
            }
            for (KeyValue attribute : record.getAttributesList()) {
              json.writeStringField(attribute.getKey(), attribute.getValue().getStringValue());
            }
            json.writeEndObject();
          }
          bytes.write('\n');
        }
      }
    }
    return bytes.toByteArray();
  }

  private static String nanos(long unixNanos) {
    return Instant.ofEpochSecond(0, unixNanos).toString();
  }

  /** Each client sends its share of its pool, as the OTLP load generator does. */
  private static void send(OpenSearchRest rest, List<List<byte[]>> bodies, long records)
      throws Exception {
    long share = records / CLIENTS + (records % CLIENTS == 0 ? 0 : 1);
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = new CopyOnWriteArrayList<>();
    for (List<byte[]> pool : bodies) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    long sent = 0;
                    for (int next = 0; sent < share; next++) {
                      try {
                        rest.bulk(pool.get(next % pool.size()));
                      } catch (Exception e) {
                        failures.add(e);
                        return;
                      }
                      sent += BATCH;
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (!failures.isEmpty()) {
      throw failures.getFirst();
    }
  }

  /** Until a search counts {@code expected} documents (the engine refreshes every second). */
  private static void awaitCount(OpenSearchRest rest, long expected) throws Exception {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode count = rest.call("GET", "/" + INDEX + "/_count", null);
      if (count.path("count").asLong() >= expected) {
        return;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("not all " + expected + " documents searchable in 600 s");
  }

  /** {@link QueryBenchmark}'s five questions, in the engines' query DSL. */
  private static Map<String, IntFunction<String>> questions(List<String> traceIds) {
    Map<String, IntFunction<String>> questions = new LinkedHashMap<>();
    SplittableRandom random = new SplittableRandom(3);
    questions.put(
        "term + 1 h range, newest 100",
        i -> {
          int hoursAgo = 1 + Math.floorMod(i * 7, 23);
          return search(
              "{\"match\": {\"body\": \""
                  + QueryBenchmark.TERMS[Math.floorMod(i, QueryBenchmark.TERMS.length)]
                  + "\"}}",
              "now-" + (hoursAgo + 1) + "h",
              "now-" + hoursAgo + "h");
        });
    questions.put(
        "phrase, 24 h, newest 100",
        i ->
            search(
                "{\"match_phrase\": {\"body\": \""
                    + QueryBenchmark.PHRASES[Math.floorMod(i, QueryBenchmark.PHRASES.length)]
                    + "\"}}",
                "now-24h",
                "now"));
    questions.put(
        "24 h histogram by severity (1 h)",
        i ->
            """
            {"size": 0, "query": {"range": {"@timestamp": {"gte": "now-24h", "lte": "now"}}},
             "aggs": {"severity": {"terms": {"field": "severity_text", "size": 100},
               "aggs": {"hours": {"date_histogram": {"field": "@timestamp",
                 "fixed_interval": "1h"}}}}}}
            """);
    questions.put(
        "top 10 services, 24 h",
        i ->
            """
            {"size": 0, "query": {"range": {"@timestamp": {"gte": "now-24h", "lte": "now"}}},
             "aggs": {"services": {"terms": {"field": "service.name", "size": 10}}}}
            """);
    questions.put(
        "trace by id",
        i ->
            "{\"size\": 1000, \"query\": {\"term\": {\"trace_id\": \""
                + (traceIds.isEmpty()
                    ? "0123456789abcdef0123456789abcdef"
                    : traceIds.get(random.nextInt(traceIds.size())))
                + "\"}}}");
    return questions;
  }

  /** Newest 100 matching in [from, to], with the exact total Spyglass's API answers too. */
  private static String search(String match, String from, String to) {
    return ("{\"size\": 100, \"track_total_hits\": true, \"sort\": [{\"@timestamp\": \"desc\"}],"
            + " \"query\": {\"bool\": {\"filter\": [%s, {\"range\": {\"@timestamp\": {\"gte\":"
            + " \"%s\", \"lte\": \"%s\"}}}]}}}")
        .formatted(match, from, to);
  }
}
