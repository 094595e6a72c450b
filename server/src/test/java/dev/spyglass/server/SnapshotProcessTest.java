package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.embedded.StoreConfig;
import dev.spyglass.storage.embedded.TelemetryStore;
import io.opentelemetry.api.metrics.MeterProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code spyglass snapshot create} against a running server, then {@code restore}. */
class SnapshotProcessTest {
  @TempDir Path dir;

  @Test
  void snapshotOfARunningServer_restoresIntoAnEmptyDirectory() throws Exception {
    int api = SpyglassProcess.freePort();
    int otlp = SpyglassProcess.freePort();
    Path data = dir.resolve("data");
    Path config = dir.resolve("spyglass.yaml");
    Files.writeString(
        config,
        """
        receivers:
          otlp: { protocols: { http: { endpoint: 127.0.0.1:%d } } }
        exporters:
          spyglass: { path: %s }
        extensions:
          api: { endpoint: 127.0.0.1:%d, snapshots: { directory: %s } }
        service:
          extensions: [api]
          pipelines:
            logs: { receivers: [otlp], exporters: [spyglass] }
        """
            .formatted(otlp, data, api, dir.resolve("snapshots")));
    Path log = dir.resolve("spyglass.log");
    try (SpyglassProcess server =
        SpyglassProcess.start(dir, log, Map.of(), "run", "--config", config.toString())) {
      server.awaitReady(api);
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> sent =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + otlp + "/v1/logs"))
                        .header("Content-Type", "application/json")
                        .POST(
                            HttpRequest.BodyPublishers.ofString(
                                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":"
                                    + "{\"stringValue\":\"snapshot me "
                                    + i
                                    + "\"}}]}]}]}"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).isEqualTo(200);
      }

      Path snapshot = dir.resolve("snapshots/snap");
      Process create =
          SpyglassProcess.start(
                  dir,
                  dir.resolve("create.log"),
                  Map.of(),
                  "snapshot",
                  "create",
                  "snap",
                  "--api",
                  "http://127.0.0.1:" + api)
              .process();
      assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(create.exitValue()).as(Files.readString(dir.resolve("create.log"))).isZero();
      assertThat(Files.readString(dir.resolve("create.log"))).contains("\"partitions\":1");

      Process again =
          SpyglassProcess.start(
                  dir,
                  dir.resolve("again.log"),
                  Map.of(),
                  "snapshot",
                  "create",
                  "snap",
                  "--api",
                  "http://127.0.0.1:" + api)
              .process();
      assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(again.exitValue()).isEqualTo(1);
      assertThat(Files.readString(dir.resolve("again.log"))).contains("exists already");

      Path restored = dir.resolve("restored");
      Process restore =
          SpyglassProcess.start(
                  dir,
                  dir.resolve("restore.log"),
                  Map.of(),
                  "snapshot",
                  "restore",
                  snapshot.toString(),
                  "--data",
                  restored.toString())
              .process();
      assertThat(restore.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(restore.exitValue()).as(Files.readString(dir.resolve("restore.log"))).isZero();

      StoreConfig defaults = StoreConfig.defaults();
      StoreConfig restoredConfig =
          new StoreConfig(
              restored.toString(),
              defaults.durability(),
              defaults.refreshInterval(),
              defaults.commitInterval(),
              defaults.partitionDuration(),
              defaults.walSegmentSize(),
              defaults.retention(),
              defaults.limits(),
              new StoreConfig.Backpressure(64L << 20, 0),
              StoreConfig.Query.DEFAULT,
              StoreConfig.Patterns.DEFAULT);
      try (TelemetryStore store =
          TelemetryStore.open(
              restoredConfig, LoggerFactory.getLogger("restored"), MeterProvider.noop().get("t"))) {
        assertThat(
                store
                    .reader()
                    .search(
                        SearchRequest.of(
                            Signal.LOGS, "body:snapshot", Long.MIN_VALUE, Long.MAX_VALUE, 10))
                    .total())
            .isEqualTo(5);
      }
    }
  }

  @Test
  void snapshotCreate_withoutARunningServer_saysSo() throws Exception {
    int port = SpyglassProcess.freePort();
    Process create =
        SpyglassProcess.start(
                dir,
                dir.resolve("create.log"),
                Map.of(),
                "snapshot",
                "create",
                dir.resolve("s").toString(),
                "--api",
                "http://127.0.0.1:" + port)
            .process();
    assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(create.exitValue()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("create.log"))).contains("is it running?");
  }
}
