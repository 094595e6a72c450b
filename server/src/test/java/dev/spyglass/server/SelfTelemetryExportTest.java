package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spyglass.server.config.ConfigException;
import dev.spyglass.server.config.ConfigLoader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code service.telemetry.metrics.readers}: Spyglass exports its own metrics over OTLP — here into
 * its own receiver, over gRPC and over HTTP — and they are searchable in itself.
 */
class SelfTelemetryExportTest {
  @TempDir Path dir;

  private static final String CONFIG =
      """
      receivers:
        otlp:
          protocols:
            grpc: { endpoint: 127.0.0.1:%1$d }
            http: { endpoint: 127.0.0.1:%2$d }
      exporters:
        spyglass: { path: %3$s, refresh_interval: 200ms }
      extensions:
        api: { endpoint: 127.0.0.1:%4$d }
      service:
        extensions: [api]
        telemetry:
          metrics:
            level: normal
            readers:
              - periodic:
                  interval: %5$d
                  exporter:
                    otlp: { protocol: grpc, endpoint: "http://127.0.0.1:%1$d", compression: none }
              - periodic:
                  interval: %5$d
                  exporter:
                    otlp:
                      protocol: http/protobuf
                      endpoint: http://127.0.0.1:%2$d/v1/metrics
                      headers: [{ name: x-origin, value: self }]
        pipelines:
          metrics: { receivers: [otlp], exporters: [spyglass] }
      """;

  @Test
  void ownMetricsArriveInOwnStore_overGrpcAndHttp() throws Exception {
    int grpc = SpyglassProcess.freePort();
    int http = SpyglassProcess.freePort();
    int api = SpyglassProcess.freePort();
    Path config = dir.resolve("spyglass.yaml");
    Files.writeString(config, CONFIG.formatted(grpc, http, dir.resolve("data"), api, 1000));
    long start = System.currentTimeMillis() - 60_000;
    Path log = dir.resolve("spyglass.log");
    try (SpyglassProcess spyglass =
        SpyglassProcess.start(dir, log, Map.of(), "run", "--config", config.toString())) {
      spyglass.awaitReady(api);
      for (String transport : new String[] {"grpc", "http"}) {
        String query =
            "metric.name:otelcol_receiver_accepted_metric_points AND attributes.transport:"
                + transport
                + " AND resource.service.name:spyglass";
        String search =
            "/api/v1/metrics/search?limit=1&end=now&start="
                + start
                + "&q="
                + URLEncoder.encode(query, StandardCharsets.UTF_8);
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .untilAsserted(
                () ->
                    assertThat(SpyglassProcess.get(api, search).body())
                        .doesNotStartWith("{\"total\":0,")
                        .startsWith("{\"total\":"));
      }
    } catch (AssertionError | RuntimeException e) {
      System.err.println(Files.readString(log));
      throw e;
    }
  }

  @Test
  void anIntervalUnderOneSecondOrAnUnknownProtocolIsAConfigErrorNamingTheLine() {
    String tooOften = CONFIG.formatted(4317, 4318, dir.resolve("data"), 8686, 100);
    assertThatThrownBy(
            () -> ConfigLoader.create(ComponentRegistry.factories()).parse(tooOften, "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("t.yaml:17:")
        .hasMessageContaining("at least 1000 ms");
    String unknown =
        CONFIG
            .formatted(4317, 4318, dir.resolve("data"), 8686, 5000)
            .replace("protocol: grpc", "protocol: carrier-pigeon");
    assertThatThrownBy(
            () -> ConfigLoader.create(ComponentRegistry.factories()).parse(unknown, "t.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("t.yaml:")
        .hasMessageContaining("carrier-pigeon");
  }
}
