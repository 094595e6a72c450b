package dev.spyglass.server;

import static org.awaitility.Awaitility.await;

import dev.spyglass.pipeline.service.Service;
import dev.spyglass.server.config.ConfigLoader;
import io.opentelemetry.api.metrics.MeterProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The whole of Spyglass in the test's JVM, built from YAML exactly as {@code run} builds it: OTLP
 * over HTTP, the store and the API on free loopback ports.
 */
final class InProcessSpyglass implements AutoCloseable {
  final int api;
  final int otlpHttp;
  final HttpClient http = HttpClient.newHttpClient();
  private final Service service;

  /** The default shape: every signal from OTLP into the store. */
  static final String EVERY_SIGNAL_TO_THE_STORE =
      """
      receivers:
        otlp: { protocols: { http: { endpoint: 127.0.0.1:%1$d } } }
      exporters:
        spyglass: { path: %2$s, refresh_interval: 100ms }
      extensions:
        api: { endpoint: 127.0.0.1:%3$d }
      service:
        extensions: [api]
        pipelines:
          logs: { receivers: [otlp], exporters: [spyglass] }
          traces: { receivers: [otlp], exporters: [spyglass] }
          metrics: { receivers: [otlp], exporters: [spyglass] }
      """;

  InProcessSpyglass(Path data) throws IOException {
    this(data, EVERY_SIGNAL_TO_THE_STORE);
  }

  /**
   * Spyglass built from {@code yamlTemplate}, whose {@code %1$d} is the OTLP/HTTP port, {@code
   * %2$s} the data directory and {@code %3$d} the API port.
   */
  InProcessSpyglass(Path data, String yamlTemplate) throws IOException {
    this(data, yamlTemplate, MeterProvider.noop());
  }

  /** As {@link #InProcessSpyglass(Path, String)}, its components reporting to {@code meters}. */
  InProcessSpyglass(Path data, String yamlTemplate, MeterProvider meters) throws IOException {
    api = SpyglassProcess.freePort();
    otlpHttp = SpyglassProcess.freePort();
    String yaml = yamlTemplate.formatted(otlpHttp, data, api);
    service =
        Service.create(
            ConfigLoader.create(ComponentRegistry.factories()).parse(yaml, "test.yaml"),
            ComponentRegistry.factories(),
            meters);
    service.start();
  }

  /** POSTs an OTLP body to /v1/{signal}; returns the status. */
  int send(String signal, String contentType, byte[] body) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + otlpHttp + "/v1/" + signal))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  int sendJson(String signal, String json) throws Exception {
    return send(signal, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs a JSON body to the API port. */
  HttpResponse<String> post(String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> getBytes(String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Waits until {@code search} finds {@code total} records. */
  void awaitTotal(String search, long total) {
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(() -> get(search).body().startsWith("{\"total\":" + total + ","));
  }

  @Override
  public void close() {
    service.shutdown();
  }
}
