package dev.spyglass.receiver.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/** A real {@code redis-server} (Debian's package) on a free loopback port, for tests. */
public final class RedisServer implements AutoCloseable {
  public final int port;
  private final Process process;

  private RedisServer(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /** Starts {@code redis-server} in {@code dir} with {@code options} ("--name value" pairs). */
  public static RedisServer start(Path dir, String... options) throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of("--port", String.valueOf(port)));
    command.addAll(List.of(options));
    return launch(dir, port, command);
  }

  /**
   * A node that speaks only TLS, with the certificates {@link
   * dev.spyglass.pipeline.testing.TestCertificates} made in {@code certs}; clients must present a
   * certificate.
   */
  public static RedisServer startTls(Path dir, Path certs) throws IOException {
    int port = freePort();
    return launch(
        dir,
        port,
        List.of(
            "--port", "0",
            "--tls-port", String.valueOf(port),
            "--tls-cert-file", certs.resolve("server.crt").toString(),
            "--tls-key-file", certs.resolve("server.key").toString(),
            "--tls-ca-cert-file", certs.resolve("ca.crt").toString(),
            "--tls-auth-clients", "yes"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static RedisServer launch(Path dir, int port, List<String> options) throws IOException {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            dir.toString(),
            "--daemonize",
            "no"));
    command.addAll(options);
    Path log = dir.resolve("redis-" + port + ".log");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new IOException(
          "redis-server is not installed: apt-get install -y redis-server (.ci/run does)", e);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + Files.readString(log));
              }
              return Files.readString(log).contains("Ready to accept connections");
            });
    return new RedisServer(port, process);
  }

  /** A node with cluster mode on, its cluster bus on another free port. */
  public static RedisServer startClusterNode(Path dir) throws IOException {
    int bus = freePort();
    return start(
        dir,
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes-" + bus + ".conf",
        "--cluster-port",
        String.valueOf(bus),
        "--cluster-node-timeout",
        "2000");
  }

  /**
   * Joins {@code primaries} into one cluster with {@code redis-cli --cluster create} and waits
   * until every node sees it as ok.
   */
  public static void createCluster(RedisServer... primaries)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (RedisServer primary : primaries) {
      command.add(primary.address());
    }
    command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output =
        new String(create.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (create.waitFor() != 0) {
      throw new IOException("redis-cli --cluster create failed:\n" + output);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              for (RedisServer primary : primaries) {
                try (Jedis jedis = primary.client()) {
                  if (!jedis.clusterInfo().contains("cluster_state:ok")) {
                    return false;
                  }
                }
              }
              return true;
            });
  }

  public Jedis client() {
    return new Jedis("127.0.0.1", port);
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  /** SIGKILL. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
