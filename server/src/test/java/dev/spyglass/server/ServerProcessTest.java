package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spyglass as a user runs it: a separate JVM started with {@code run --config}, reached over real
 * sockets, stopped with SIGTERM.
 */
class ServerProcessTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> processes = new ArrayList<>();
  @TempDir Path dir;

  @AfterEach
  void kill() {
    processes.forEach(Process::destroyForcibly);
  }

  private Process spyglass(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    processes.add(process);
    return process;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void run_servesHealthAndOtlp_andExitsZeroOnSigterm() throws Exception {
    int api = freePort();
    int grpc = freePort();
    int otlpHttp = freePort();
    Path config = dir.resolve("spyglass.yaml");
    Files.writeString(
        config,
        """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:%d }
              http: { endpoint: "127.0.0.1:${env:OTLP_HTTP_PORT}" }
        exporters:
          debug: { verbosity: normal }
        extensions:
          api: { endpoint: 127.0.0.1:%d }
        service:
          extensions: [api]
          pipelines:
            logs: { receivers: [otlp], exporters: [debug] }
        """
            .formatted(grpc, api));
    Path log = dir.resolve("spyglass.log");
    Process process = spyglassWithEnv(log, "OTLP_HTTP_PORT", Integer.toString(otlpHttp), config);

    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> get(api, "/readyz").statusCode() == 200);
    assertThat(get(api, "/healthz").body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(get(api, "/readyz").body()).isEqualTo("{\"status\":\"ready\"}");

    HttpResponse<String> export =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + otlpHttp + "/v1/logs"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":"
                            + "{\"stringValue\":\"payment declined\"},\"severityText\":\"WARN\"}]}]}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(export.statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.readString(log).contains("WARN payment declined"));

    HttpResponse<String> metrics = get(api, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    assertPrometheusText(metrics.body());
    assertThat(sum(metrics.body(), "otelcol_receiver_accepted_log_records_total")).isEqualTo(1);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + otlpHttp + "/v1/logs"))
                        .header("Content-Type", "application/json")
                        .POST(
                            HttpRequest.BodyPublishers.ofString(
                                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{},{}]}]}]}"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode())
        .isEqualTo(200);
    assertThat(sum(get(api, "/metrics").body(), "otelcol_receiver_accepted_log_records_total"))
        .isEqualTo(3);
    assertThat(get(api, "/readyz").statusCode()).isEqualTo(200);
    assertThat(get(api, "/metrics").body())
        .containsPattern(
            "http_server_request_duration_seconds_count\\{[^}]*http_route=\"/readyz\"[^}]*\\} [1-9]");

    long stopping = System.nanoTime();
    process.destroy(); // SIGTERM
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("exits within 10 s").isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(10));
    String output = Files.readString(log);
    assertThat(output)
        .contains("receiver/otlp - OTLP/HTTP listening on http://127.0.0.1:" + otlpHttp);
    assertThat(output).contains("spyglass - shutting down").contains("service - stopped");
  }

  private static final java.util.regex.Pattern SAMPLE =
      java.util.regex.Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*\\})? (-?[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|[+-]Inf)(?: [0-9]+)?");

  /** Every line is a comment (# HELP / # TYPE) or a sample: name{labels} value. */
  private static void assertPrometheusText(String text) {
    assertThat(text).contains("# TYPE otelcol_receiver_accepted_log_records_total counter");
    for (String line : text.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("# HELP ") && !line.startsWith("# TYPE ")) {
        assertThat(SAMPLE.matcher(line).matches()).as("a sample line: %s", line).isTrue();
      }
    }
  }

  /** The sum of every sample of {@code name}. */
  private static double sum(String text, String name) {
    double sum = 0;
    for (String line : text.split("\n")) {
      java.util.regex.Matcher sample = SAMPLE.matcher(line);
      if (sample.matches() && sample.group(1).equals(name)) {
        sum += Double.parseDouble(sample.group(3));
      }
    }
    return sum;
  }

  private Process spyglassWithEnv(Path log, String name, String value, Path config)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.add("run");
    command.add("--config");
    command.add(config.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put(name, value);
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  @Test
  void run_withInvalidConfig_exits2_namingTheLine() throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(
        config,
        """
        receivers:
          otlp:
            protocols:
              grpc:
                endpont: 127.0.0.1:4317
        exporters:
          debug:
        service:
          pipelines:
            traces: { receivers: [otlp], exporters: [debug] }
        """);
    Path log = dir.resolve("bad.log");

    Process process = spyglass(log, "run", "--config", config.toString());

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(Files.readString(log))
        .contains(
            config
                + ":5:9: receivers.otlp.protocols.grpc.endpont: unknown key 'endpont'; expected"
                + " one of: auth, endpoint, include_metadata, max_recv_msg_size_mib, tls");
  }

  @Test
  void run_whenThePortIsTaken_exits1_namingTheComponent() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Path config = dir.resolve("taken.yaml");
      Files.writeString(
          config,
          """
          receivers:
            otlp: { protocols: { http: { endpoint: 127.0.0.1:%d } } }
          exporters:
            debug:
          service:
            pipelines:
              logs: { receivers: [otlp], exporters: [debug] }
          """
              .formatted(taken.getLocalPort()));
      Path log = dir.resolve("taken.log");

      Process process = spyglass(log, "run", "--config", config.toString());

      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(1);
      assertThat(Files.readString(log)).contains("receiver/otlp failed to start");
    }
  }

  @Test
  void validate_exits0ForTheDefault_and2ForAnError() throws Exception {
    Process ok = spyglass(dir.resolve("ok.log"), "validate");
    assertThat(ok.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(ok.exitValue()).isZero();
    assertThat(Files.readString(dir.resolve("ok.log")))
        .contains("<default>: valid; pipelines [traces, metrics, logs]");

    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "service:\n  pipelines:\n    logs: {receivers: [otlp]}\n");
    Process bad = spyglass(dir.resolve("bad.log"), "validate", "--config", config.toString());
    assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(bad.exitValue()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("bad.log")))
        .contains(
            config + ":3:24: service.pipelines.logs.receivers[0]: receiver 'otlp' is not defined");
  }

  @Test
  void patterns_printsEachLinesPatternAsLoghubCsv() throws Exception {
    Path file = dir.resolve("app.log");
    Files.writeString(
        file,
        """
        Received block blk_123 of size 67108864 from /10.0.0.1
        Deleting block blk_9 file /data/current/blk_9
        Received block blk_-77 of size 12 from /10.0.0.2
        Verification succeeded for blk_5, "quoted"
        """);
    Process csv = spyglass(dir.resolve("patterns.log"), "patterns", file.toString());
    assertThat(csv.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(csv.exitValue()).isZero();
    List<String> lines = Files.readAllLines(dir.resolve("patterns.log"));
    assertThat(lines.getFirst()).isEqualTo("LineId,ClusterId,EventTemplate");
    assertThat(lines).hasSize(5);
    String[] first = lines.get(1).split(",", 3);
    String[] third = lines.get(3).split(",", 3);
    assertThat(first[0]).isEqualTo("1");
    assertThat(first[1]).matches("[0-9a-f]{16}").isEqualTo(third[1]);
    assertThat(first[2]).isEqualTo("Received block blk_<*> of size <*> from /<*>");
    assertThat(lines.get(2).split(",", 3)[1]).isNotEqualTo(first[1]);
    assertThat(lines.get(4)).endsWith(",\"Verification succeeded for blk_<*>, \"\"quoted\"\"\"");

    Process templates =
        spyglass(
            dir.resolve("templates.log"), "patterns", file.toString(), "--format", "templates");
    assertThat(templates.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readAllLines(dir.resolve("templates.log")))
        .startsWith("ClusterId,Count,EventTemplate")
        .contains(first[1] + ",2,Received block blk_<*> of size <*> from /<*>");

    Process missing = spyglass(dir.resolve("missing.log"), "patterns", "no-such.log");
    assertThat(missing.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(missing.exitValue()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("missing.log"))).contains("no such file: no-such.log");
  }
}
