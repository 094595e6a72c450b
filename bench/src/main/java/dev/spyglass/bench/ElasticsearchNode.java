package dev.spyglass.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Elasticsearch single node (Maven Central's integration-test distribution, unpacked into
 * {@code bench/target/elasticsearch-dist} on first use) on free loopback ports, as the unprivileged
 * user {@code nobody} (it refuses root), with a fixed heap, security off (a benchmark peer on
 * loopback) and the bench JVM's own JDK.
 */
final class ElasticsearchNode implements AutoCloseable {
  private static final int NOBODY = 65534;
  final int httpPort;
  private final Path home;
  private final Process process;

  private ElasticsearchNode(int httpPort, Path home, Process process) {
    this.httpPort = httpPort;
    this.home = home;
    this.process = process;
  }

  static ElasticsearchNode start(Path repository, String heap, PrintStream out) throws Exception {
    Path dist = distribution(repository, out);
    Path home = Files.createTempDirectory(Path.of("/tmp"), "spyglass-elasticsearch-");
    copy(dist, home);
    Files.createDirectories(home.resolve("data"));
    Files.createDirectories(home.resolve("logs"));
    run("chown", "-R", NOBODY + ":" + NOBODY, home.toString());
    run("chmod", "755", home.toString());
    int http = SpyglassUnderTest.freePort();
    int transport = SpyglassUnderTest.freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    "setpriv",
                    "--reuid=" + NOBODY,
                    "--regid=" + NOBODY,
                    "--clear-groups",
                    home.resolve("bin/elasticsearch").toString(),
                    "-Ediscovery.type=single-node",
                    "-Enetwork.host=127.0.0.1",
                    "-Ehttp.port=" + http,
                    "-Etransport.port=" + transport,
                    "-Epath.data=" + home.resolve("data"),
                    "-Epath.logs=" + home.resolve("logs"),
                    "-Ecluster.routing.allocation.disk.threshold_enabled=false",
                    "-Eaction.auto_create_index=false",
                    "-Expack.security.enabled=false"))
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("logs/console.log").toFile());
    builder.environment().put("ES_JAVA_HOME", System.getProperty("java.home"));
    builder
        .environment()
        .put("ES_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap + " -XX:-UseContainerSupport");
    builder.environment().put("HOME", home.toString());
    builder.environment().remove("JAVA_HOME");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    ElasticsearchNode node = new ElasticsearchNode(http, home, builder.start());
    node.awaitHealth(Duration.ofSeconds(180));
    return node;
  }

  String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  ProcessHandle process() {
    return process.toHandle();
  }

  private void awaitHealth(Duration within) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Elasticsearch exited: " + Files.readString(home.resolve("logs/console.log")));
      }
      try {
        if (http.send(
                    HttpRequest.newBuilder(
                            URI.create(
                                url() + "/_cluster/health?wait_for_status=yellow&timeout=1s"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("Elasticsearch did not become healthy in " + within);
  }

  @Override
  public void close() throws Exception {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  /** The unpacked distribution; unpacked by the bench module's Maven execution the first time. */
  private static Path distribution(Path repository, PrintStream out) throws Exception {
    Path dist = repository.resolve("bench/target/elasticsearch-dist");
    if (!Files.isDirectory(dist)) {
      out.println("elasticsearch: unpacking the Elasticsearch distribution (Maven Central) …");
      Process maven =
          new ProcessBuilder(
                  repository.resolve("mvnw").toString(),
                  "-B",
                  "-q",
                  "-pl",
                  "bench",
                  "dependency:unpack@unpack-elasticsearch")
              .directory(repository.toFile())
              .inheritIO()
              .start();
      if (maven.waitFor() != 0) {
        throw new IllegalStateException("could not unpack the Elasticsearch distribution");
      }
    }
    try (Stream<Path> found = Files.list(dist)) {
      return found
          .filter(p -> Files.isDirectory(p.resolve("bin")))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no Elasticsearch distribution in " + dist));
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
      throw new IOException("failed: " + String.join(" ", command));
    }
  }
}
