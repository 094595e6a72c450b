package dev.spyglass.server;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Alertmanager (Debian's {@code prometheus-alertmanager}) on a free loopback port, routing
 * every alert, grouped by {@code alertname}, to one webhook, resolutions included.
 */
final class Alertmanager implements AutoCloseable {
  final int port;
  private final Process process;
  private final Path log;

  private Alertmanager(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  static Alertmanager start(Path dir, String webhookUrl) throws Exception {
    Files.createDirectories(dir);
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(
        config,
        """
        route:
          receiver: test
          group_by: [alertname]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: test
            webhook_configs:
              - url: %s
                send_resolved: true
        """
            .formatted(webhookUrl));
    int port = freePort();
    Path log = dir.resolve("alertmanager.log");
    Process process =
        new ProcessBuilder(
                "prometheus-alertmanager",
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=",
                "--log.level=debug")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Alertmanager alertmanager = new Alertmanager(port, process, log);
    HttpClient http = HttpClient.newHttpClient();
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(URI.create(alertmanager.url() + "/-/ready"))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
    return alertmanager;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** What {@code amtool alert query} prints for the active alerts, as JSON. */
  String amtool(String... matchers) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of("amtool", "--alertmanager.url=" + url(), "alert", "query", "-o", "json"));
    command.addAll(List.of(matchers));
    Process amtool = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(amtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    amtool.waitFor(20, TimeUnit.SECONDS);
    return out;
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
