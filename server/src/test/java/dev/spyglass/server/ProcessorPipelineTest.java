package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.PermanentException;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.Traces;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.service.Factories;
import dev.spyglass.pipeline.service.Service;
import dev.spyglass.pipeline.testing.TestExporter;
import dev.spyglass.pipeline.testing.TestFactories;
import dev.spyglass.server.config.ConfigException;
import dev.spyglass.server.config.ConfigLoader;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each processor in a real pipeline built from Collector-style YAML: the OTLP receiver over HTTP,
 * the processors, and a recording exporter.
 */
class ProcessorPipelineTest {
  private final TestFactories test = new TestFactories();
  private final Factories factories =
      ComponentRegistry.register(test.register(Factories.builder())).build();
  private final HttpClient http = HttpClient.newHttpClient();
  private Service service;
  private int port;

  @AfterEach
  void stop() {
    if (service != null) {
      service.shutdown();
    }
  }

  private void start(String processors, String signal, String chain) throws Exception {
    port = SpyglassProcess.freePort();
    String yaml =
        """
        receivers:
          otlp: { protocols: { http: { endpoint: 127.0.0.1:%d } } }
        processors:
        %s
        exporters:
          testexp:
        service:
          pipelines:
            %s: { receivers: [otlp], processors: [%s], exporters: [testexp] }
        """
            .formatted(port, processors.indent(2), signal, chain);
    service =
        Service.create(
            ConfigLoader.create(factories).parse(yaml, "test.yaml"),
            factories,
            MeterProvider.noop());
    service.start();
  }

  private TestExporter exporter() {
    return test.exporters.get(ComponentId.of("testexp"));
  }

  private HttpResponse<String> send(String signal, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/" + signal))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> sendAsync(String signal, String json) {
    return http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/" + signal))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String log(String service, String body, String attributes) {
    return "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\""
        + service
        + "\"}},{\"key\":\"host.name\",\"value\":{\"stringValue\":\"web-1\"}}]},\"scopeLogs\":[{\"logRecords\":[{\"severityNumber\":9,\"body\":{\"stringValue\":\""
        + body
        + "\"},\"attributes\":["
        + attributes
        + "]}]}]}]}";
  }

  private static String attr(String key, String value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
  }

  private List<LogRecord> receivedLogs() {
    List<LogRecord> records = new ArrayList<>();
    for (Telemetry batch : exporter().received()) {
      ((Logs) batch)
          .request()
          .getResourceLogsList()
          .forEach(r -> r.getScopeLogsList().forEach(s -> records.addAll(s.getLogRecordsList())));
    }
    return records;
  }

  private static Map<String, AnyValue> attributes(LogRecord record) {
    return record.getAttributesList().stream()
        .collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
  }

  @Test
  void attributes_actions_forIncludedServicesOnly() throws Exception {
    start(
        """
        attributes:
          include: { match_type: strict, services: [checkout] }
          actions:
            - { key: env, value: prod, action: insert }
            - { key: user.id, action: hash }
            - { key: password, action: delete }
            - { key: http.url, pattern: '^https?://(?<host>[^/]+)/(?<route>[^?]*)', action: extract }
            - { key: http.status, action: convert, converted_type: int }
            - { key: tier, from_attribute: env, action: upsert }
        """,
        "logs",
        "attributes");
    assertThat(
            send(
                    "logs",
                    log(
                        "checkout",
                        "hi",
                        String.join(
                            ",",
                            attr("user.id", "42"),
                            attr("password", "hunter2"),
                            attr("http.url", "https://shop.example.com/cart/items?x=1"),
                            attr("http.status", "503"))))
                .statusCode())
        .isEqualTo(200);
    assertThat(send("logs", log("cart", "hi", attr("password", "kept"))).statusCode())
        .isEqualTo(200);

    Map<String, AnyValue> checkout = attributes(receivedLogs().get(0));
    assertThat(checkout.get("env").getStringValue()).isEqualTo("prod");
    assertThat(checkout.get("tier").getStringValue()).isEqualTo("prod");
    assertThat(checkout.get("user.id").getStringValue())
        .isEqualTo(
            "73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049"); // sha256("42")
    assertThat(checkout).doesNotContainKey("password");
    assertThat(checkout.get("host").getStringValue()).isEqualTo("shop.example.com");
    assertThat(checkout.get("route").getStringValue()).isEqualTo("cart/items");
    assertThat(checkout.get("http.status").getIntValue()).isEqualTo(503);
    assertThat(attributes(receivedLogs().get(1))).containsKey("password").doesNotContainKey("env");
  }

  @Test
  void resource_actions() throws Exception {
    start(
        """
        resource:
          attributes:
            - { key: deployment.environment.name, value: staging, action: upsert }
            - { key: host.name, action: delete }
        """,
        "logs",
        "resource");
    assertThat(send("logs", log("checkout", "hi", "")).statusCode()).isEqualTo(200);
    var resource =
        ((Logs) exporter().received().getFirst()).request().getResourceLogs(0).getResource();
    assertThat(resource.getAttributesList())
        .extracting(KeyValue::getKey)
        .containsExactly("service.name", "deployment.environment.name");
  }

  @Test
  void resourceDetection_addsSystemAndProcess_keepsWhatTheSenderSet() throws Exception {
    start("resourcedetection: { detectors: [system, process] }", "logs", "resourcedetection");
    assertThat(send("logs", log("checkout", "hi", "")).statusCode()).isEqualTo(200);
    Map<String, AnyValue> resource =
        ((Logs) exporter().received().getFirst())
            .request().getResourceLogs(0).getResource().getAttributesList().stream()
                .collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
    assertThat(resource.get("host.name").getStringValue()).isEqualTo("web-1");
    assertThat(resource.get("os.type").getStringValue()).isEqualTo("linux");
    assertThat(resource.get("process.pid").getIntValue()).isEqualTo(ProcessHandle.current().pid());
  }

  @Test
  void redaction_keepsNoSeededSecret_masksNoLookAlike_andCountsOnly() throws Exception {
    start(
        """
        redaction:
          allowed_keys: [description, card, note]
          builtin_patterns: [credit_card, email, bearer_token, jwt, aws_access_key]
          blocked_values: ['secret-[0-9]+']
        """,
        "logs",
        "redaction");
    String secrets =
        String.join(
            ",",
            attr("description", "paid with 4111 1111 1111 1111 by jane@example.com"),
            attr("card", "378282246310005"),
            attr("note", "key AKIAIOSFODNN7EXAMPLE, secret-123"),
            attr("session.token", "Bearer abcdefghijklmnop"));
    assertThat(
            send(
                    "logs",
                    log("checkout", "user jane@example.com sent Bearer abcdefghijklmnop", secrets))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            send(
                    "logs",
                    log(
                        "checkout",
                        "order 4111111111111112 for invoice 1234567890123456",
                        attr("note", "nothing secret here")))
                .statusCode())
        .isEqualTo(200);

    LogRecord redacted = receivedLogs().get(0);
    String everything = redacted.toString();
    for (String secret :
        List.of(
            "4111 1111",
            "378282246310005",
            "jane@example.com",
            "AKIAIOSFODNN7EXAMPLE",
            "secret-123",
            "abcdefghijklmnop")) {
      assertThat(everything).doesNotContain(secret);
    }
    Map<String, AnyValue> attributes = attributes(redacted);
    assertThat(attributes).doesNotContainKey("session.token");
    assertThat(attributes.get("redaction.redacted.count").getIntValue()).isEqualTo(1);
    assertThat(attributes.get("redaction.masked.count").getIntValue()).isEqualTo(4);
    assertThat(everything).doesNotContain("session.token");

    LogRecord lookAlike = receivedLogs().get(1);
    assertThat(lookAlike.getBody().getStringValue())
        .isEqualTo("order 4111111111111112 for invoice 1234567890123456");
    assertThat(attributes(lookAlike))
        .doesNotContainKeys("redaction.masked.count", "redaction.redacted.count");
  }

  @Test
  void probabilisticSampler_twoInstancesWithOneSeed_keepTheSameTraces() throws Exception {
    Set<String> keptBy = new HashSet<>();
    List<Set<String>> runs = new ArrayList<>();
    for (int instance = 0; instance < 2; instance++) {
      test.exporters.clear();
      start(
          "probabilistic_sampler: { sampling_percentage: 25, hash_seed: 22 }",
          "traces",
          "probabilistic_sampler");
      StringBuilder spans = new StringBuilder();
      for (int i = 0; i < 2000; i++) {
        spans
            .append(i > 0 ? "," : "")
            .append(
                "{\"traceId\":\"%032x\",\"spanId\":\"%016x\",\"name\":\"s\"}"
                    .formatted(i * 7919L + 1, i + 1L));
      }
      assertThat(
              send("traces", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + spans + "]}]}]}")
                  .statusCode())
          .isEqualTo(200);
      Set<String> kept = new HashSet<>();
      for (Telemetry batch : exporter().received()) {
        for (Span span :
            ((Traces) batch).request().getResourceSpans(0).getScopeSpans(0).getSpansList()) {
          kept.add(java.util.HexFormat.of().formatHex(span.getTraceId().toByteArray()));
        }
      }
      runs.add(kept);
      service.shutdown();
      service = null;
    }
    assertThat(runs.get(0)).isEqualTo(runs.get(1));
    assertThat(runs.get(0).size()).isBetween(400, 600); // 25% of 2000
    keptBy.addAll(runs.get(0));
    // The reference trace from the hash test: bucket 3273 < 4096, kept with seed 22.
    assertThat(keptBy).isNotEmpty();
  }

  @Test
  void batch_acknowledgesEachClientOnlyWhenItsRecordsAreTaken_andFailsExactlyThoseItConcerns()
      throws Exception {
    start("batch: { send_batch_size: 3, timeout: 2s }", "logs", "batch");
    CompletableFuture<Void> first = new CompletableFuture<>();
    List<CompletableFuture<Void>> answers =
        new ArrayList<>(
            List.of(first, CompletableFuture.failedFuture(new PermanentException("refused"))));
    exporter().answerWith(batch -> answers.removeFirst());

    // Three one-record requests fill the first batch (size 3); the exporter holds its answer.
    List<CompletableFuture<HttpResponse<String>>> firstBatch = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      firstBatch.add(sendAsync("logs", log("checkout", "first " + i, "")));
    }
    org.awaitility.Awaitility.await().until(() -> exporter().received().size() == 1);
    Thread.sleep(200);
    assertThat(firstBatch).noneMatch(CompletableFuture::isDone);
    assertThat(exporter().received().getFirst().itemCount()).isEqualTo(3);

    // The next three fill a second batch, which the exporter refuses.
    List<CompletableFuture<HttpResponse<String>>> secondBatch = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      secondBatch.add(sendAsync("logs", log("checkout", "second " + i, "")));
    }
    for (var response : secondBatch) {
      assertThat(response.get().statusCode()).isEqualTo(400);
    }
    assertThat(firstBatch).noneMatch(CompletableFuture::isDone);
    first.complete(null);
    for (var response : firstBatch) {
      assertThat(response.get().statusCode()).isEqualTo(200);
    }
  }

  @Test
  void batch_flushesOnTimeout_andOnShutdown() throws Exception {
    start("batch: { send_batch_size: 1000, timeout: 300ms }", "logs", "batch");
    long started = System.nanoTime();
    assertThat(send("logs", log("checkout", "alone", "")).statusCode()).isEqualTo(200);
    assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(250);
    assertThat(exporter().received()).hasSize(1);
  }

  @Test
  void memoryLimiter_refusesWithRetryAfter_whenOverItsLimit() throws Exception {
    start(
        "memory_limiter: { limit_mib: 2, spike_limit_mib: 1, check_interval: 100ms }",
        "logs",
        "memory_limiter");
    org.awaitility.Awaitility.await()
        .untilAsserted(
            () -> {
              HttpResponse<String> response = send("logs", log("checkout", "hi", ""));
              assertThat(response.statusCode()).isEqualTo(503);
              assertThat(response.headers().firstValue("retry-after")).isPresent();
            });
    assertThat(exporter().received()).isEmpty();
  }

  @Test
  void filter_dropsMatchingLogRecords_andKeepsTheRest() throws Exception {
    start(
        """
        filter:
          error_mode: ignore
          logs:
            log_record:
              - 'IsMatch(body, "healthz")'
              - 'severity_number < SEVERITY_NUMBER_INFO and resource.attributes["service.name"] == "checkout"'
              - 'attributes["size"] > 10'
        """,
        "logs",
        "filter");
    assertThat(send("logs", log("checkout", "GET /healthz 200", "")).statusCode()).isEqualTo(200);
    assertThat(send("logs", log("checkout", "payment accepted", attr("size", "big"))).statusCode())
        .isEqualTo(200);
    assertThat(exporter().received()).hasSize(1);
    assertThat(receivedLogs())
        .extracting(r -> r.getBody().getStringValue())
        .containsExactly("payment accepted");
  }

  @Test
  void filter_withErrorModePropagate_refusesWhatItCannotEvaluate() throws Exception {
    start("filter: { logs: { log_record: ['attributes[\"size\"] > 10'] } }", "logs", "filter");
    HttpResponse<String> response = send("logs", log("checkout", "x", attr("size", "big")));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("is a string, which cannot be ordered");
  }

  @Test
  void filter_dropsMetricDataPoints_andMetricsLeftEmpty() throws Exception {
    start(
        """
        filter:
          metrics:
            datapoint: ['metric.name == "jvm.threads" and attributes["state"] == "idle"']
            metric: ['metric.name == "debug.noise"']
        """,
        "metrics",
        "filter");
    String point =
        "{\"timeUnixNano\":\"1\",\"asInt\":\"%d\",\"attributes\":[{\"key\":\"state\",\"value\":{\"stringValue\":\"%s\"}}]}";
    String body =
        "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":["
            + "{\"name\":\"jvm.threads\",\"gauge\":{\"dataPoints\":["
            + point.formatted(3, "idle")
            + ","
            + point.formatted(7, "busy")
            + "]}},"
            + "{\"name\":\"debug.noise\",\"gauge\":{\"dataPoints\":["
            + point.formatted(1, "x")
            + "]}}]}]}]}";
    assertThat(send("metrics", body).statusCode()).isEqualTo(200);
    var metrics =
        ((Metrics) exporter().received().getFirst())
            .request()
            .getResourceMetrics(0)
            .getScopeMetrics(0)
            .getMetricsList();
    assertThat(metrics).hasSize(1);
    assertThat(metrics.getFirst().getName()).isEqualTo("jvm.threads");
    assertThat(metrics.getFirst().getGauge().getDataPointsList())
        .extracting(p -> p.getAsInt())
        .containsExactly(7L);
  }

  @Test
  void probabilisticSampler_onLogs_byAnAttribute_keepsOrDropsEveryRecordWithTheSameValue()
      throws Exception {
    start(
        """
        probabilistic_sampler:
          sampling_percentage: 50
          attribute_source: record
          from_attribute: user.id
        """,
        "logs",
        "probabilistic_sampler");
    StringBuilder records = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      records
          .append(i > 0 ? "," : "")
          .append(
              "{\"body\":{\"stringValue\":\"%d\"},\"attributes\":[%s]}"
                  .formatted(i, attr("user.id", "u" + (i % 100))));
    }
    assertThat(
            send(
                    "logs",
                    "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[" + records + "]}]}]}")
                .statusCode())
        .isEqualTo(200);
    Map<String, Long> keptPerUser =
        receivedLogs().stream()
            .collect(
                Collectors.groupingBy(
                    r -> attributes(r).get("user.id").getStringValue(), Collectors.counting()));
    // Each user's four records are all kept or all dropped; about half the users are kept.
    assertThat(keptPerUser.values()).containsOnly(4L);
    assertThat(keptPerUser.size()).isBetween(30, 70);
  }

  @Test
  void filter_dropsSpansAndSpanEvents() throws Exception {
    start(
        """
        filter:
          traces:
            span: ['name == "GET /healthz"', 'duration < 1000']
            spanevent: ['name == "cache.miss"']
        """,
        "traces",
        "filter");
    String spans =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
            + "{\"traceId\":\"%032x\",\"spanId\":\"%016x\",\"name\":\"GET /healthz\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"5000\"},"
                .formatted(1, 1)
            + "{\"traceId\":\"%032x\",\"spanId\":\"%016x\",\"name\":\"tiny\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"10\"},"
                .formatted(2, 2)
            + "{\"traceId\":\"%032x\",\"spanId\":\"%016x\",\"name\":\"GET /cart\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"5000\","
                .formatted(3, 3)
            + "\"events\":[{\"name\":\"cache.miss\"},{\"name\":\"db.query\"}]}]}]}]}";
    assertThat(send("traces", spans).statusCode()).isEqualTo(200);
    Span kept =
        ((Traces) exporter().received().getFirst())
            .request()
            .getResourceSpans(0)
            .getScopeSpans(0)
            .getSpans(0);
    assertThat(exporter().received().getFirst().itemCount()).isEqualTo(1);
    assertThat(kept.getName()).isEqualTo("GET /cart");
    assertThat(kept.getEventsList()).extracting(Span.Event::getName).containsExactly("db.query");
  }

  @Test
  void tailSampling_keepsWholeErrorTraces_fromYaml() throws Exception {
    start(
        """
        tail_sampling:
          decision_wait: 300ms
          num_traces: 1000
          policies:
            - { name: errors, type: status_code, status_code: { status_codes: [ERROR] } }
            - { name: slow, type: latency, latency: { threshold_ms: 1000 } }
        """,
        "traces",
        "tail_sampling");
    String spans =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
            + "{\"traceId\":\"%032x\",\"spanId\":\"%016x\",\"name\":\"root\",\"status\":{\"code\":0}},"
                .formatted(1, 1)
            + "{\"traceId\":\"%032x\",\"spanId\":\"%016x\",\"name\":\"child\",\"status\":{\"code\":2}},"
                .formatted(1, 2)
            + "{\"traceId\":\"%032x\",\"spanId\":\"%016x\",\"name\":\"fine\",\"status\":{\"code\":0}}"
                .formatted(2, 3)
            + "]}]}]}";
    assertThat(send("traces", spans).statusCode()).isEqualTo(200);
    org.awaitility.Awaitility.await().until(() -> !exporter().received().isEmpty());
    Thread.sleep(500);
    List<String> names = new ArrayList<>();
    exporter()
        .received()
        .forEach(
            b ->
                ((Traces) b)
                    .request()
                    .getResourceSpansList()
                    .forEach(
                        r ->
                            r.getScopeSpansList()
                                .forEach(
                                    s -> s.getSpansList().forEach(sp -> names.add(sp.getName())))));
    assertThat(names).containsExactlyInAnyOrder("root", "child");
  }

  @Test
  void configErrors_nameTheKey() {
    assertConfigError(
        "memory_limiter: { limit_mib: 100, limit_percentage: 50 }",
        "memory_limiter",
        "processors.memory_limiter.limit_mib: set exactly one of limit_mib and limit_percentage");
    assertConfigError(
        "attributes: { actions: [ { key: a, action: shout } ] }",
        "attributes",
        "processors.attributes.actions[0].action: unknown action 'shout'");
    assertConfigError(
        "redaction: { builtin_patterns: [passport] }",
        "redaction",
        "processors.redaction.builtin_patterns[0]: unknown pattern 'passport'");
    assertConfigError(
        "probabilistic_sampler: { sampling_percentage: 150 }",
        "probabilistic_sampler",
        "processors.probabilistic_sampler.sampling_percentage: must be between 0 and 100");
    assertConfigError(
        "batch: { send_batch_size: 100, send_batch_max_size: 10 }",
        "batch",
        "processors.batch.send_batch_max_size: must be 0 or at least send_batch_size");
    assertConfigError(
        "resourcedetection: { detectors: [system, gcp] }",
        "resourcedetection",
        "processors.resourcedetection.detectors[1]: unknown detector 'gcp'; known: env, system, process");
    assertConfigError(
        "filter: { traces: { span: ['duration >> 500'] } }",
        "filter",
        "processors.filter.traces.span[0]: at character 11 of 'duration >> 500': expected a value");
    assertConfigError(
        "tail_sampling: { policies: [ { name: p, type: latency, latency: {} } ] }",
        "tail_sampling",
        "processors.tail_sampling.policies[0].latency.threshold_ms: is required and must not be negative");
  }

  private void assertConfigError(String processors, String chain, String message) {
    String yaml =
        """
        receivers:
          otlp: { protocols: { http: { endpoint: 127.0.0.1:0 } } }
        processors:
        %s
        exporters:
          testexp:
        service:
          pipelines:
            traces: { receivers: [otlp], processors: [%s], exporters: [testexp] }
        """
            .formatted(processors.indent(2), chain);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ConfigLoader.create(factories).parse(yaml, "test.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }
}
