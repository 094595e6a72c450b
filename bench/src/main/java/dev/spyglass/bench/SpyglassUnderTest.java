package dev.spyglass.bench;

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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spyglass as users run it — the built server jar in its own JVM — with the figures the benchmark
 * reads from outside: CPU time and peak RSS from {@code /proc}, heap in use from {@code jstat}.
 */
final class SpyglassUnderTest implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final long CLOCK_TICKS = 100;

  final int grpc;
  final int http;
  final int api;
  final Path data;
  private final Process process;
  private final AtomicLong peakHeap = new AtomicLong();
  private final Thread heapSampler;

  private SpyglassUnderTest(Process process, int grpc, int http, int api, Path data) {
    this.process = process;
    this.grpc = grpc;
    this.http = http;
    this.api = api;
    this.data = data;
    this.heapSampler = Thread.ofPlatform().daemon().name("heap-sampler").start(this::sampleHeap);
  }

  /**
   * Starts Spyglass from {@code home} (the repository: {@code server/target/spyglass-server.jar})
   * with its data in {@code data}, and waits until it is ready.
   *
   * @param jfr where to write a Flight Recorder profile of the whole run; null for none
   */
  static SpyglassUnderTest start(Path home, Path data, String heap, Path jfr, Path log)
      throws IOException, InterruptedException {
    return start(home, data, heap, jfr, log, "");
  }

  /**
   * As above, with {@code storeSettings} ({@code , patterns: { enabled: false }}) for the store.
   */
  static SpyglassUnderTest start(
      Path home, Path data, String heap, Path jfr, Path log, String storeSettings)
      throws IOException, InterruptedException {
    return start(
        home,
        data,
        heap,
        jfr,
        log,
        "spyglass",
        "spyglass: { path: %s%s }".formatted(data, storeSettings),
        "");
  }

  /**
   * As above, with exporter {@code exporterName} configured by the one-line {@code exporter} (
   * {@code opensearch: { http: { endpoint: ... } }}) in every pipeline, and {@code apiSettings} (
   * {@code , storage: opensearch}) for the API extension.
   */
  static SpyglassUnderTest start(
      Path home,
      Path data,
      String heap,
      Path jfr,
      Path log,
      String exporterName,
      String exporter,
      String apiSettings)
      throws IOException, InterruptedException {
    Path jar = home.resolve("server/target/spyglass-server.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build first (./spyglass build)");
    }
    int grpc = freePort();
    int http = freePort();
    int api = freePort();
    Files.createDirectories(data);
    Path config = data.resolveSibling(data.getFileName() + ".yaml");
    Files.writeString(
        config,
        """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:%d }
              http: { endpoint: 127.0.0.1:%d }
        exporters:
          %s
        extensions:
          api: { endpoint: 127.0.0.1:%d%s }
        service:
          extensions: [api]
          pipelines:
            traces:  { receivers: [otlp], exporters: [%s] }
            metrics: { receivers: [otlp], exporters: [%s] }
            logs:    { receivers: [otlp], exporters: [%s] }
        """
            .formatted(
                grpc, http, exporter, api, apiSettings, exporterName, exporterName, exporterName));
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx" + heap);
    command.add("--enable-native-access=ALL-UNNAMED");
    if (jfr != null) {
      command.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
    }
    command.add("-jar");
    command.add(jar.toString());
    command.add("run");
    command.add("--config");
    command.add(config.toString());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    SpyglassUnderTest spyglass = new SpyglassUnderTest(process, grpc, http, api, data);
    spyglass.awaitReady();
    return spyglass;
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Spyglass exited with " + process.exitValue());
      }
      try {
        if (get("/readyz").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("Spyglass was not ready within 120 s");
  }

  HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + pathAndQuery))
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** CPU seconds (user + system) the Spyglass process has used so far. */
  double cpuSeconds() throws IOException {
    return cpuSeconds(process.pid());
  }

  /** CPU seconds (user + system) process {@code pid} has used so far, from {@code /proc}. */
  static double cpuSeconds(long pid) throws IOException {
    return cpuSecondsOfStat(Files.readString(Path.of("/proc/" + pid + "/stat")));
  }

  /** User + system CPU seconds of one {@code /proc/.../stat} line (a process's or a thread's). */
  static double cpuSecondsOfStat(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // After the command: state(0) ... utime is field 14 of the whole line, index 11 here.
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return (double) ticks / CLOCK_TICKS;
  }

  /** The process's peak resident set, in bytes ({@code VmHWM}). */
  long peakRssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return 0;
  }

  /** The most heap in use seen by the sampler (every 500 ms), in bytes. */
  long peakHeapBytes() {
    return peakHeap.get();
  }

  private void sampleHeap() {
    Path jstat =
        Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jstat");
    while (process.isAlive()) {
      try {
        Process run =
            new ProcessBuilder(jstat.toString(), "-gc", Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        List<String> lines = new String(run.getInputStream().readAllBytes()).lines().toList();
        run.waitFor();
        if (lines.size() >= 2) {
          String[] names = lines.get(0).trim().split("\\s+");
          String[] values = lines.get(1).trim().split("\\s+");
          double used = 0;
          for (int i = 0; i < names.length && i < values.length; i++) {
            if (List.of("S0U", "S1U", "EU", "OU").contains(names[i])) {
              used += Double.parseDouble(values[i]);
            }
          }
          long bytes = (long) (used * 1024);
          peakHeap.accumulateAndGet(bytes, Math::max);
        }
        Thread.sleep(500);
      } catch (IOException | NumberFormatException e) {
        return;
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops Spyglass as SIGTERM does (it flushes and commits) and waits for it. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    heapSampler.interrupt();
  }

  /** Kills Spyglass as {@code kill -9} does (SIGKILL: no shutdown hook runs) and waits for it. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
    heapSampler.interrupt();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static long directorySize(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
