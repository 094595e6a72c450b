package dev.spyglass.receiver.redis;

import dev.spyglass.receiver.redis.RedisReceiverConfig.Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.resps.LatencyLatestInfo;
import redis.clients.jedis.resps.Slowlog;

/**
 * One Redis node being scraped: its connection (opened on first use, reopened after a failure) and
 * where its slow log was read up to. Used by one thread at a time.
 */
final class Node implements AutoCloseable {
  private final Address address;
  private final JedisClientConfig clientConfig;
  private final int slowlogMaxEntries;
  private Jedis jedis;
  private String runId = "";
  // Advanced by the thread that sees the logs acknowledged, read by the scrape thread.
  private volatile long slowlogReadUpTo = -1;
  private boolean up = true;

  /** What one scrape of a node found. */
  record Scrape(
      Info info,
      List<Slowlog> newSlowlog,
      Map<String, LatencyLatestInfo> latency,
      List<ClusterNodes.ClusterNode> cluster,
      Optional<Info> clusterInfo) {}

  // Jedis's non-deprecated SslOptions takes only key stores; the Collector's settings are PEM
  // files, which RedisTls turns into a socket factory.
  @SuppressWarnings("deprecation")
  Node(Address address, RedisReceiverConfig config) {
    this.address = address;
    this.slowlogMaxEntries = config.slowlogMaxEntries();
    int timeout = (int) config.timeout().toMillis();
    DefaultJedisClientConfig.Builder builder =
        DefaultJedisClientConfig.builder()
            .timeoutMillis(timeout)
            .clientName("spyglass")
            .protocol(RedisProtocol.RESP2); // INFO and SLOWLOG replies are the same in RESP2
    if (config.username() != null && !config.username().isEmpty()) {
      builder.user(config.username());
    }
    if (config.password() != null && !config.password().isEmpty()) {
      builder.password(config.password());
    }
    if (!config.tls().insecure()) {
      builder.ssl(true).sslSocketFactory(RedisTls.socketFactory(config.tls()));
      if (!config.tls().insecureSkipVerify()) {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate names the host
        builder.sslParameters(parameters);
      }
    }
    this.clientConfig = builder.build();
  }

  Address address() {
    return address;
  }

  /** Reads INFO, the slow log entries not yet delivered, and LATENCY LATEST; throws if down. */
  Scrape scrape() {
    try {
      if (jedis == null) {
        jedis = new Jedis(new HostAndPort(address.host(), address.port()), clientConfig);
      }
      Info info = Info.parse(jedis.info("all"));
      String currentRunId = info.string("run_id").orElse("");
      if (!currentRunId.equals(runId)) { // restarted: its slow log ids start again
        runId = currentRunId;
        slowlogReadUpTo = -1;
      }
      List<Slowlog> fresh = new ArrayList<>();
      if (slowlogMaxEntries > 0) {
        for (Slowlog entry : jedis.slowlogGet(slowlogMaxEntries)) {
          if (entry.getId() > slowlogReadUpTo) {
            fresh.add(entry);
          }
        }
        fresh.sort((a, b) -> Long.compare(a.getId(), b.getId()));
      }
      List<ClusterNodes.ClusterNode> cluster = List.of();
      Optional<Info> clusterInfo = Optional.empty();
      if (info.string("cluster_enabled").orElse("0").equals("1")) {
        cluster = ClusterNodes.parse(jedis.clusterNodes());
        clusterInfo = Optional.of(Info.parse(jedis.clusterInfo()));
      }
      return new Scrape(info, fresh, jedis.latencyLatest(), cluster, clusterInfo);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The slow log entries up to {@code id} were delivered: never send them again. */
  synchronized void delivered(long id) {
    slowlogReadUpTo = Math.max(slowlogReadUpTo, id);
  }

  /** Records whether the node answered; returns whether that changed. */
  boolean up(boolean answered) {
    boolean changed = answered != up;
    up = answered;
    return changed;
  }

  @Override
  public void close() {
    if (jedis != null) {
      try {
        jedis.close();
      } catch (RuntimeException ignored) {
        // the connection is already broken
      }
      jedis = null;
    }
  }
}
