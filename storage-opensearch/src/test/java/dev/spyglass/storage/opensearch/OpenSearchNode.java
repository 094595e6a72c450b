package dev.spyglass.storage.opensearch;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OpenSearch node (Maven Central's integration-test distribution, unpacked by the build) on
 * free loopback ports, run as an unprivileged user because OpenSearch refuses root, with a small
 * fixed heap and the test JVM's own JDK. Several nodes started with the same cluster name and each
 * other's transport ports form a cluster.
 */
public final class OpenSearchNode implements AutoCloseable {
  private static final int NOBODY = 65534;

  public final int httpPort;
  public final int transportPort;
  private final Path home;
  private final ProcessBuilder builder;
  private final boolean singleNode;
  private volatile Process process;

  private OpenSearchNode(
      int httpPort,
      int transportPort,
      Path home,
      ProcessBuilder builder,
      boolean singleNode,
      Process process) {
    this.httpPort = httpPort;
    this.transportPort = transportPort;
    this.home = home;
    this.builder = builder;
    this.singleNode = singleNode;
    this.process = process;
  }

  /** One node, a cluster of its own. */
  public static OpenSearchNode start() throws Exception {
    return start("spyglass-test-" + ProcessHandle.current().pid(), "node-0", List.of(), 1);
  }

  /**
   * A node of cluster {@code cluster}, discovering the others at {@code seeds} (transport ports)
   * and electing a manager among {@code managers} nodes named node-0 … node-N.
   */
  public static OpenSearchNode start(String cluster, String name, List<Integer> seeds, int managers)
      throws Exception {
    return start(cluster, name, seeds, managers, freePort(), freePort());
  }

  /** As {@link #start(String, String, List, int)}, on the given ports. */
  public static OpenSearchNode start(
      String cluster, String name, List<Integer> seeds, int managers, int http, int transport)
      throws Exception {
    return start(cluster, name, seeds, managers, http, transport, "512m");
  }

  /** As above, with a heap of {@code heap} ({@code 2g}). */
  public static OpenSearchNode start(
      String cluster,
      String name,
      List<Integer> seeds,
      int managers,
      int http,
      int transport,
      String heap)
      throws Exception {
    Path dist = Path.of(System.getProperty("opensearch.home", "target/opensearch-dist/opensearch"));
    if (!Files.isDirectory(dist.resolve("bin"))) {
      throw new IllegalStateException(
          "no OpenSearch distribution at " + dist + " (built by Maven)");
    }
    Path home = Files.createTempDirectory(Path.of("/tmp"), "spyglass-opensearch-");
    copy(dist, home);
    Files.createDirectories(home.resolve("data"));
    Files.createDirectories(home.resolve("logs"));
    run("chown", "-R", NOBODY + ":" + NOBODY, home.toString());
    run("chmod", "755", home.toString());
    List<String> command =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=" + NOBODY,
                "--regid=" + NOBODY,
                "--clear-groups",
                home.resolve("bin/opensearch").toString(),
                "-Ecluster.name=" + cluster,
                "-Enode.name=" + name,
                "-Enetwork.host=127.0.0.1",
                "-Ehttp.port=" + http,
                "-Etransport.port=" + transport,
                "-Epath.data=" + home.resolve("data"),
                "-Epath.logs=" + home.resolve("logs"),
                "-Ecluster.routing.allocation.disk.threshold_enabled=false",
                "-Eaction.auto_create_index=false"));
    if (seeds.isEmpty() && managers == 1) {
      command.add("-Ediscovery.type=single-node");
    } else {
      List<String> hosts = seeds.stream().map(port -> "127.0.0.1:" + port).toList();
      command.add("-Ediscovery.seed_hosts=" + String.join(",", hosts));
      List<String> names = new ArrayList<>();
      for (int i = 0; i < managers; i++) {
        names.add("node-" + i);
      }
      command.add("-Ecluster.initial_cluster_manager_nodes=" + String.join(",", names));
    }
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("logs/console.log").toFile());
    builder.environment().put("OPENSEARCH_JAVA_HOME", System.getProperty("java.home"));
    builder
        .environment()
        .put("OPENSEARCH_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap + " -XX:-UseContainerSupport");
    builder.environment().put("HOME", home.toString());
    builder.environment().remove("JAVA_HOME");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    boolean single = seeds.isEmpty() && managers == 1;
    OpenSearchNode node =
        new OpenSearchNode(http, transport, home, builder, single, builder.start());
    if (single) {
      node.awaitHealth("yellow", Duration.ofSeconds(120));
    }
    return node;
  }

  /** The node's process (the launcher; the JVM is it or its descendant). */
  public ProcessHandle process() {
    return process.toHandle();
  }

  /** {@code http://127.0.0.1:port}. */
  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Waits until the cluster's health is {@code status} or better. */
  public void awaitHealth(String status, Duration within) {
    HttpClient http = HttpClient.newHttpClient();
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .failFast("OpenSearch exited; see " + home.resolve("logs"), () -> !process.isAlive())
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(
                                    URI.create(
                                        url()
                                            + "/_cluster/health?wait_for_status="
                                            + status
                                            + "&timeout=1s"))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        .statusCode()
                    == 200);
  }

  /** The node's console output so far, for failure messages. */
  public String log() {
    try {
      return Files.readString(home.resolve("logs/console.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Stops the node, keeping its data, as an outage would; {@link #restart} brings it back. */
  public void stop() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }

  /** Starts the stopped (or killed) node again, with its data, on the same ports. */
  public void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("the node is running");
    }
    builder.redirectOutput(
        ProcessBuilder.Redirect.appendTo(home.resolve("logs/console.log").toFile()));
    process = builder.start();
    if (singleNode) {
      awaitHealth("yellow", Duration.ofSeconds(120));
    }
  }

  /** Kills the node at once, as a crash or a pulled plug would. */
  public void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
    try (Stream<Path> files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).inheritIO().start();
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed");
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
