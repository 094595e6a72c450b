package dev.spyglass.receiver.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Consumers;
import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.pipeline.testing.TestCertificates;
import dev.spyglass.receiver.testing.RedisServer;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.params.SetParams;

class RedisReceiverTest {
  @TempDir Path dir;
  private final List<Metrics> metrics = new CopyOnWriteArrayList<>();
  private final List<Logs> logs = new CopyOnWriteArrayList<>();
  private RedisReceiver receiver;

  @AfterEach
  void stop() {
    if (receiver != null) {
      receiver.shutdown();
    }
  }

  private static final RedisReceiverConfig.Tls PLAIN =
      new RedisReceiverConfig.Tls(true, null, null, null, false);

  private void start(String... endpoints) {
    start(PLAIN, endpoints);
  }

  private void start(RedisReceiverConfig.Tls tls, String... endpoints) {
    RedisReceiverConfig config =
        new RedisReceiverConfig(
            endpoints[0],
            List.of(endpoints).subList(1, endpoints.length),
            null,
            null,
            Duration.ofMillis(300),
            true,
            128,
            Duration.ofSeconds(2),
            tls);
    config.validate();
    TelemetryConsumer toMetrics = batch -> record(metrics, (Metrics) batch);
    TelemetryConsumer toLogs = batch -> record(logs, (Logs) batch);
    receiver =
        new RedisReceiver(
            new ComponentSettings(
                ComponentId.of("redis"),
                ComponentKind.RECEIVER,
                Optional.empty(),
                LoggerFactory.getLogger("redis"),
                MeterProvider.noop().get("test")),
            config,
            Consumers.of(Map.of(Signal.METRICS, toMetrics, Signal.LOGS, toLogs)));
    receiver.start(null);
  }

  private static <T extends Telemetry> CompletableFuture<Void> record(List<T> into, T batch) {
    into.add(batch);
    return CompletableFuture.completedFuture(null);
  }

  private static String attribute(List<KeyValue> attributes, String key) {
    return attributes.stream()
        .filter(a -> a.getKey().equals(key))
        .map(
            a ->
                a.getValue().hasIntValue()
                    ? String.valueOf(a.getValue().getIntValue())
                    : a.getValue().getStringValue())
        .findFirst()
        .orElse(null);
  }

  private ResourceMetrics latestResource(String address) {
    for (int i = metrics.size() - 1; i >= 0; i--) {
      for (ResourceMetrics resource : metrics.get(i).request().getResourceMetricsList()) {
        if (address.equals(
            attribute(resource.getResource().getAttributesList(), "redis.node.address"))) {
          return resource;
        }
      }
    }
    throw new AssertionError("no metrics from " + address);
  }

  /** The newest scrape's metrics of the node at {@code address}, by name. */
  private Map<String, Metric> latest(String address) {
    for (int i = metrics.size() - 1; i >= 0; i--) {
      for (ResourceMetrics resource : metrics.get(i).request().getResourceMetricsList()) {
        if (address.equals(
            attribute(resource.getResource().getAttributesList(), "redis.node.address"))) {
          return resource.getScopeMetrics(0).getMetricsList().stream()
              .collect(Collectors.toMap(Metric::getName, m -> m));
        }
      }
    }
    return Map.of();
  }

  private static double value(Metric metric) {
    NumberDataPoint point =
        metric.hasGauge() ? metric.getGauge().getDataPoints(0) : metric.getSum().getDataPoints(0);
    return point.hasAsInt() ? point.getAsInt() : point.getAsDouble();
  }

  private static double value(Metric metric, String key, String attributeValue) {
    List<NumberDataPoint> points =
        metric.hasGauge()
            ? metric.getGauge().getDataPointsList()
            : metric.getSum().getDataPointsList();
    NumberDataPoint point =
        points.stream()
            .filter(p -> attributeValue.equals(attribute(p.getAttributesList(), key)))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no point with " + key + "=" + attributeValue));
    return point.hasAsInt() ? point.getAsInt() : point.getAsDouble();
  }

  private List<LogRecord> slowlogRecords() {
    return logs.stream()
        .flatMap(l -> l.request().getResourceLogsList().stream())
        .flatMap(r -> r.getScopeLogsList().stream())
        .flatMap(s -> s.getLogRecordsList().stream())
        .toList();
  }

  @Test
  void standalone_infoBecomesTheCollectorsMetrics_andTheSlowLogArrivesOnce() throws Exception {
    try (RedisServer redis =
        RedisServer.start(
            dir,
            "--slowlog-log-slower-than",
            "0",
            "--latency-monitor-threshold",
            "1",
            "--enable-debug-command",
            "yes")) {
      try (Jedis client = redis.client()) {
        client.set("user:1", "ada");
        client.set("user:2", "grace", SetParams.setParams().ex(3600));
        client.get("user:1");
        client.get("user:1");
        client.get("user:1");
        client.get("missing");
        client.set("spyglass:slow", "x".repeat(300));
        client.sendCommand(
            (ProtocolCommand) () -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "SLEEP", "0.02");
      }
      start(redis.address());

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> latest(redis.address()).containsKey("redis.keyspace.hits"));
      Map<String, Metric> m = latest(redis.address());
      assertThat(m)
          .containsKeys(
              "redis.up",
              "redis.clients.blocked",
              "redis.clients.connected",
              "redis.clients.max_input_buffer",
              "redis.clients.max_output_buffer",
              "redis.commands",
              "redis.commands.processed",
              "redis.connections.received",
              "redis.connections.rejected",
              "redis.cpu.time",
              "redis.db.avg_ttl",
              "redis.db.expires",
              "redis.db.keys",
              "redis.keys.evicted",
              "redis.keys.expired",
              "redis.keyspace.hits",
              "redis.keyspace.misses",
              "redis.keyspace.hit_ratio",
              "redis.latest_fork",
              "redis.memory.fragmentation_ratio",
              "redis.memory.lua",
              "redis.memory.peak",
              "redis.memory.rss",
              "redis.memory.used",
              "redis.maxmemory",
              "redis.net.input",
              "redis.net.output",
              "redis.rdb.changes_since_last_save",
              "redis.replication.backlog_first_byte_offset",
              "redis.replication.offset",
              "redis.slaves.connected",
              "redis.uptime",
              "redis.role",
              "redis.cmd.calls",
              "redis.cmd.sec",
              "redis.cmd.latency",
              "redis.rdb.last_bgsave_ok",
              "redis.aof.enabled",
              "redis.latency.latest",
              "redis.latency.max");
      assertThat(value(m.get("redis.up"))).isEqualTo(1);
      assertThat(value(m.get("redis.keyspace.hits"))).isEqualTo(3);
      assertThat(value(m.get("redis.keyspace.misses"))).isEqualTo(1);
      assertThat(value(m.get("redis.keyspace.hit_ratio"))).isEqualTo(0.75);
      assertThat(m.get("redis.keyspace.hits").getSum().getIsMonotonic()).isTrue();
      assertThat(value(m.get("redis.db.keys"), "db", "0")).isEqualTo(3);
      assertThat(value(m.get("redis.db.expires"), "db", "0")).isEqualTo(1);
      assertThat(value(m.get("redis.cmd.calls"), "cmd", "get")).isEqualTo(4);
      assertThat(value(m.get("redis.cmd.latency"), "cmd", "get")).isPositive().isLessThan(1.0);
      assertThat(value(m.get("redis.role"), "role", "primary")).isEqualTo(1);
      assertThat(m.get("redis.memory.used").getUnit()).isEqualTo("By");
      assertThat(value(m.get("redis.latency.latest"), "event", "command")).isBetween(0.015, 1.0);

      // Several scrapes later, each slow-log entry has arrived exactly once.
      int scrapes = metrics.size();
      await().atMost(Duration.ofSeconds(10)).until(() -> metrics.size() >= scrapes + 3);
      List<LogRecord> slow =
          slowlogRecords().stream()
              .filter(r -> r.getBody().getStringValue().startsWith("SET spyglass:slow"))
              .toList();
      assertThat(slow).hasSize(1);
      LogRecord entry = slow.getFirst();
      assertThat(entry.getBody().getStringValue())
          .contains("(172 more bytes)")
          .hasSizeLessThan(200);
      assertThat(attribute(entry.getAttributesList(), "db.operation.name")).isEqualTo("SET");
      assertThat(attribute(entry.getAttributesList(), "client.address")).isEqualTo("127.0.0.1");
      assertThat(entry.getTimeUnixNano()).isPositive();
      assertThat(
              slowlogRecords().stream()
                  .collect(
                      Collectors.groupingBy(
                          r -> attribute(r.getAttributesList(), "redis.slowlog.id"),
                          Collectors.counting()))
                  .values())
          .containsOnly(1L);
    }
  }

  @Test
  void primaryWithReplica_isDiscovered_andALostReplicaIsReportedDown() throws Exception {
    try (RedisServer primary = RedisServer.start(dir);
        RedisServer replica =
            RedisServer.start(dir, "--replicaof", "127.0.0.1", String.valueOf(primary.port))) {
      try (Jedis client = primary.client()) {
        client.set("k", "v");
      }
      start(primary.address());

      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                Map<String, Metric> linked = latest(replica.address());
                return linked.containsKey("redis.replication.link_up")
                    && value(linked.get("redis.replication.link_up")) == 1
                    && latest(primary.address()).containsKey("redis.replica.lag");
              });
      Map<String, Metric> p = latest(primary.address());
      assertThat(value(p.get("redis.slaves.connected"))).isEqualTo(1);
      assertThat(value(p.get("redis.replica.lag"), "replica", replica.address()))
          .isBetween(0.0, 5.0);
      Map<String, Metric> r = latest(replica.address());
      assertThat(value(r.get("redis.role"), "role", "replica")).isEqualTo(1);
      assertThat(r).containsKey("redis.replication.replica_offset");

      replica.kill();
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                Map<String, Metric> lost = latest(replica.address());
                return lost.containsKey("redis.up") && value(lost.get("redis.up")) == 0;
              });
      int scrapes = metrics.size();
      await().atMost(Duration.ofSeconds(10)).until(() -> metrics.size() >= scrapes + 2);
      assertThat(value(latest(primary.address()).get("redis.up"))).isEqualTo(1);
    }
  }

  @Test
  void threePrimaryCluster_isDiscoveredFromOneNode_withNodeIdsAndShards() throws Exception {
    try (RedisServer a = RedisServer.startClusterNode(dir);
        RedisServer b = RedisServer.startClusterNode(dir);
        RedisServer c = RedisServer.startClusterNode(dir)) {
      RedisServer.createCluster(a, b, c);
      start(a.address());

      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  List.of(a, b, c).stream()
                      .allMatch(n -> latest(n.address()).containsKey("redis.cluster.state_ok")));
      Map<String, String> shards = new java.util.HashMap<>();
      for (RedisServer node : List.of(a, b, c)) {
        ResourceMetrics resource = latestResource(node.address());
        List<KeyValue> attributes = resource.getResource().getAttributesList();
        assertThat(attribute(attributes, "redis.node.role")).isEqualTo("primary");
        assertThat(attribute(attributes, "redis.cluster.slots")).matches("\\d+-\\d+");
        shards.put(attribute(attributes, "redis.node.id"), attribute(attributes, "redis.shard"));
        Map<String, Metric> m = latest(node.address());
        assertThat(value(m.get("redis.cluster.state_ok"))).isEqualTo(1);
        assertThat(value(m.get("redis.cluster.known_nodes"))).isEqualTo(3);
        assertThat(value(m.get("redis.cluster.slots"), "state", "assigned")).isEqualTo(16384);
      }
      assertThat(shards).hasSize(3).allSatisfy((id, shard) -> assertThat(shard).isEqualTo(id));

      c.kill();
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                Map<String, Metric> lost = latest(c.address());
                return value(lost.get("redis.up")) == 0;
              });
      assertThat(value(latest(a.address()).get("redis.up"))).isEqualTo(1);
      assertThat(value(latest(b.address()).get("redis.up"))).isEqualTo(1);
    }
  }

  /** Scrapes a TLS-only Redis (client certificates required) with {@code tls}; its redis.up. */
  private double upOverTls(boolean presentClientCertificate) throws Exception {
    Path certs = Files.createDirectories(dir.resolve("certs"));
    TestCertificates.make(certs);
    try (RedisServer redis = RedisServer.startTls(dir, certs)) {
      start(
          new RedisReceiverConfig.Tls(
              false,
              certs.resolve("ca.crt").toString(),
              presentClientCertificate ? certs.resolve("client.crt").toString() : null,
              presentClientCertificate ? certs.resolve("client.key").toString() : null,
              false),
          redis.address());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> latest(redis.address()).containsKey("redis.up"));
      return value(latest(redis.address()).get("redis.up"));
    }
  }

  @Test
  void mutualTls_withTheCollectorsTlsSettings() throws Exception {
    assertThat(upOverTls(true)).isEqualTo(1);
  }

  @Test
  void tlsWithoutAClientCertificate_isReportedDown() throws Exception {
    assertThat(upOverTls(false)).isEqualTo(0);
  }

  @Test
  void configMistakes_areNamed() {
    RedisReceiverConfig defaults = new RedisReceiverFactory().defaultConfig();
    assertThatThrownBy(defaults::validate)
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("is required");
    assertThatThrownBy(
            () ->
                new RedisReceiverConfig(
                        "localhost",
                        List.of(),
                        null,
                        null,
                        Duration.ofSeconds(10),
                        true,
                        128,
                        Duration.ofSeconds(5),
                        PLAIN)
                    .validate())
        .hasMessageContaining("'localhost' is not host:port");
    assertThatThrownBy(
            () ->
                new RedisReceiverConfig(
                        "localhost:6379",
                        List.of(),
                        "app",
                        null,
                        Duration.ofSeconds(10),
                        true,
                        128,
                        Duration.ofSeconds(5),
                        PLAIN)
                    .validate())
        .hasMessageContaining("required when username is set");
  }
}
