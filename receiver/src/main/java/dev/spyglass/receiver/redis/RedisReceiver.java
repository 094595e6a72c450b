package dev.spyglass.receiver.redis;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Consumers;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.pipeline.component.Receiver;
import dev.spyglass.receiver.redis.RedisReceiverConfig.Address;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import redis.clients.jedis.resps.Slowlog;

/**
 * The {@code redis} receiver: every {@code collection_interval} it scrapes each known node — the
 * seeds and, with {@code discover}, the replicas and primaries they name — into metrics (one
 * resource per node, {@code redis.up} 0 for a node that did not answer) and its new slow-log
 * entries into log records, each entry delivered once.
 */
final class RedisReceiver implements Receiver {
  private static final String SCOPE = "dev.spyglass.receiver.redis";

  private final ComponentSettings settings;
  private final RedisReceiverConfig config;
  private final Optional<TelemetryConsumer> metrics;
  private final Optional<TelemetryConsumer> logs;
  private final Map<Address, Node> nodes = new LinkedHashMap<>(); // used by the scrape thread only
  private final Counters counters;
  private ScheduledExecutorService scraper;

  RedisReceiver(ComponentSettings settings, RedisReceiverConfig config, Consumers next) {
    this.settings = settings;
    this.config = config;
    this.metrics = next.forSignal(Signal.METRICS);
    this.logs = next.forSignal(Signal.LOGS);
    this.counters = new Counters(settings);
    for (Address seed : config.seeds()) {
      nodes.put(seed, new Node(seed, config));
    }
  }

  @Override
  public void start(Host host) {
    scraper =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("redis-" + settings.id()).factory());
    scraper.scheduleWithFixedDelay(
        this::scrapeSafely, 0, config.collectionInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void scrapeSafely() {
    try {
      scrapeAll();
    } catch (RuntimeException e) { // an escaping exception would cancel every later scrape
      settings.logger().error("{}: scrape failed", settings.id(), e);
    }
  }

  /** Scrapes every node once and delivers what it found; returns when delivered or refused. */
  void scrapeAll() {
    long now = epochNanos();
    ExportMetricsServiceRequest.Builder metricRequest = ExportMetricsServiceRequest.newBuilder();
    ExportLogsServiceRequest.Builder logRequest = ExportLogsServiceRequest.newBuilder();
    Map<Node, Long> slowlogUpTo = new LinkedHashMap<>();
    for (Node node : new ArrayList<>(nodes.values())) {
      metricRequest.addResourceMetrics(scrape(node, now, logRequest, slowlogUpTo));
    }
    CompletableFuture<Void> metricsSent =
        metrics
            .map(m -> deliver(m, Metrics.of(metricRequest.build(), RequestContext.EMPTY)))
            .orElse(CompletableFuture.completedFuture(null));
    CompletableFuture<Void> logsSent = CompletableFuture.completedFuture(null);
    if (logs.isPresent() && logRequest.getResourceLogsCount() > 0) {
      logsSent =
          deliver(logs.get(), Logs.of(logRequest.build(), RequestContext.EMPTY))
              .thenRun(() -> slowlogUpTo.forEach(Node::delivered));
    } else if (logs.isEmpty()) {
      slowlogUpTo.forEach(Node::delivered); // no logs pipeline: nothing to deliver them to
    }
    try {
      CompletableFuture.allOf(metricsSent, logsSent)
          .get(
              config.collectionInterval().toMillis() + config.timeout().toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // shutting down
    } catch (ExecutionException | TimeoutException e) {
      // refused or late: logged by deliver; slow-log entries not delivered are read again
    }
  }

  /**
   * Scrapes {@code node}: returns its metrics, adds its new slow-log entries to {@code logRequest}
   * and notes the last one in {@code slowlogUpTo}.
   */
  private ResourceMetrics scrape(
      Node node,
      long now,
      ExportLogsServiceRequest.Builder logRequest,
      Map<Node, Long> slowlogUpTo) {
    Resource resource;
    MetricSet out;
    try {
      Node.Scrape scrape = node.scrape();
      if (node.up(true)) {
        settings.logger().info("{}: {} answers again", settings.id(), node.address());
      }
      resource = resource(node.address(), Optional.of(scrape.info()), myself(scrape));
      long uptime = (long) scrape.info().number("uptime_in_seconds").orElse(0);
      out = new MetricSet(now - uptime * 1_000_000_000L, now);
      out.gaugeInt("redis.up", "1", 1);
      InfoMetrics.add(scrape.info(), out);
      if (scrape.clusterInfo().isPresent()) {
        InfoMetrics.addCluster(scrape.clusterInfo().get(), out);
      }
      for (var latency : scrape.latency().entrySet()) {
        String event = latency.getKey();
        out.gauge(
            "redis.latency.latest",
            "s",
            latency.getValue().getLastEventLatency() / 1e3,
            "event",
            event);
        out.gauge(
            "redis.latency.max",
            "s",
            latency.getValue().getMaxEventLatency() / 1e3,
            "event",
            event);
      }
      if (!scrape.newSlowlog().isEmpty()) {
        ScopeLogs.Builder scope =
            ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName(SCOPE));
        for (Slowlog entry : scrape.newSlowlog()) {
          scope.addLogRecords(SlowLogs.record(entry, now));
        }
        logRequest.addResourceLogs(
            ResourceLogs.newBuilder().setResource(resource).addScopeLogs(scope));
        slowlogUpTo.put(node, scrape.newSlowlog().getLast().getId());
      }
      if (config.discover()) {
        discover(scrape.info());
        for (ClusterNodes.ClusterNode peer : scrape.cluster()) {
          peer.address().ifPresent(a -> add(a.host(), String.valueOf(a.port())));
        }
      }
    } catch (RuntimeException e) {
      counters.scrapeErrors.add(1, counters.node(node.address()));
      if (node.up(false)) {
        settings
            .logger()
            .warn("{}: {} does not answer: {}", settings.id(), node.address(), e.toString());
      }
      resource = resource(node.address(), Optional.empty(), Optional.empty());
      out = new MetricSet(now, now);
      out.gaugeInt("redis.up", "1", 0);
    }
    return ResourceMetrics.newBuilder()
        .setResource(resource)
        .addScopeMetrics(
            ScopeMetrics.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName(SCOPE))
                .addAllMetrics(out.build()))
        .build();
  }

  private CompletableFuture<Void> deliver(TelemetryConsumer consumer, Telemetry batch) {
    String unit = batch.signal().itemName();
    return TelemetryConsumer.consumeSafely(consumer, batch)
        .whenComplete(
            (ok, failure) -> {
              if (failure == null) {
                counters.accepted(unit).add(batch.itemCount(), counters.transport);
              } else {
                counters.refused(unit).add(batch.itemCount(), counters.transport);
                settings
                    .logger()
                    .warn(
                        "{}: the pipeline refused {} {}: {}",
                        settings.id(),
                        batch.itemCount(),
                        unit,
                        failure.toString());
              }
            });
  }

  /** Adds the replicas a primary names and the primary a replica names. */
  private void discover(Info info) {
    for (String line : Replicas.of(info).values()) {
      Map<String, String> fields = Info.fields(line);
      add(fields.get("ip"), fields.get("port"));
    }
    if (info.string("role").orElse("").equals("slave")) {
      add(info.string("master_host").orElse(null), info.string("master_port").orElse(null));
    }
  }

  private void add(String host, String port) {
    if (host == null || port == null) {
      return;
    }
    try {
      Address address = new Address(host, Integer.parseInt(port));
      if (!nodes.containsKey(address)) {
        settings.logger().info("{}: discovered {}", settings.id(), address);
        nodes.put(address, new Node(address, config));
      }
    } catch (NumberFormatException e) {
      settings.logger().debug("{}: ignoring node with port '{}'", settings.id(), port);
    }
  }

  private static Optional<ClusterNodes.ClusterNode> myself(Node.Scrape scrape) {
    return scrape.cluster().stream().filter(ClusterNodes.ClusterNode::myself).findFirst();
  }

  private static Resource resource(
      Address address, Optional<Info> info, Optional<ClusterNodes.ClusterNode> clusterNode) {
    Resource.Builder resource =
        Resource.newBuilder()
            .addAttributes(string("server.address", address.host()))
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("server.port")
                    .setValue(AnyValue.newBuilder().setIntValue(address.port())))
            .addAttributes(string("redis.node.address", address.toString()));
    info.flatMap(i -> i.string("redis_version"))
        .ifPresent(v -> resource.addAttributes(string("redis.version", v)));
    info.flatMap(i -> i.string("role"))
        .ifPresent(
            role ->
                resource.addAttributes(
                    string("redis.node.role", role.equals("master") ? "primary" : "replica")));
    clusterNode.ifPresent(
        self -> {
          resource.addAttributes(string("redis.node.id", self.id()));
          resource.addAttributes(string("redis.shard", self.shard()));
          if (!self.slots().isEmpty()) {
            resource.addAttributes(string("redis.cluster.slots", String.join(" ", self.slots())));
          }
        });
    return resource.build();
  }

  private static KeyValue string(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public void shutdown() {
    if (scraper != null) {
      scraper.shutdownNow();
      try {
        scraper.awaitTermination(config.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    nodes.values().forEach(Node::close);
  }

  /** The receiver's own counters, named as the OTLP receiver's. */
  private static final class Counters {
    private static final AttributeKey<String> NODE = AttributeKey.stringKey("node");
    final Attributes transport;
    final LongCounter scrapeErrors;
    private final Map<String, LongCounter> byName = new ConcurrentHashMap<>();
    private final Meter meter;

    Counters(ComponentSettings settings) {
      meter = settings.meter();
      transport =
          Attributes.of(
              AttributeKey.stringKey("receiver"),
              settings.id().toString(),
              AttributeKey.stringKey("transport"),
              "redis");
      scrapeErrors = meter.counterBuilder("spyglass_redis_scrape_errors").build();
    }

    Attributes node(Address address) {
      return transport.toBuilder().put(NODE, address.toString()).build();
    }

    LongCounter accepted(String unit) {
      return byName.computeIfAbsent(
          "otelcol_receiver_accepted_" + unit, n -> meter.counterBuilder(n).build());
    }

    LongCounter refused(String unit) {
      return byName.computeIfAbsent(
          "otelcol_receiver_refused_" + unit, n -> meter.counterBuilder(n).build());
    }
  }
}
