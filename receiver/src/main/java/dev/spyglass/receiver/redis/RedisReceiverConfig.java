package dev.spyglass.receiver.redis;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of the {@code redis} receiver, named as the Collector's {@code redisreceiver}.
 *
 * @param endpoint the seed node, {@code host:port}
 * @param endpoints more seed nodes (either or both may be given)
 * @param username ACL user (Redis 6+), optional
 * @param password {@code requirepass} or the ACL user's password, optional
 * @param collectionInterval how often each node is scraped; default 10s
 * @param discover whether replicas found through {@code INFO replication} are scraped too
 * @param slowlogMaxEntries how many {@code SLOWLOG GET} entries are read per scrape
 * @param timeout connect and read timeout per node
 * @param tls TLS to the nodes, as the Collector's client {@code tls} settings; off by default
 */
public record RedisReceiverConfig(
    String endpoint,
    List<String> endpoints,
    String username,
    String password,
    Duration collectionInterval,
    boolean discover,
    int slowlogMaxEntries,
    Duration timeout,
    Tls tls)
    implements ComponentConfig {

  /**
   * TLS to the Redis nodes.
   *
   * @param insecure {@code true} (the default, as the Collector's redisreceiver): plain TCP
   * @param caFile PEM certificates trusted to sign the servers' certificates; the JDK's if unset
   * @param certFile PEM client certificate, for servers that require one
   * @param keyFile its PEM private key
   * @param insecureSkipVerify accept any server certificate (tests only)
   */
  public record Tls(
      boolean insecure,
      String caFile,
      String certFile,
      String keyFile,
      boolean insecureSkipVerify) {}

  public RedisReceiverConfig {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
  }

  /** Every seed endpoint, {@code endpoint} first. */
  List<Address> seeds() {
    List<Address> seeds = new ArrayList<>();
    if (endpoint != null && !endpoint.isBlank()) {
      seeds.add(Address.parse(endpoint, "endpoint"));
    }
    for (int i = 0; i < endpoints.size(); i++) {
      Address address = Address.parse(endpoints.get(i), "endpoints." + i);
      if (!seeds.contains(address)) {
        seeds.add(address);
      }
    }
    return seeds;
  }

  @Override
  public void validate() {
    if (seeds().isEmpty()) {
      throw new InvalidConfigException("endpoint", "is required, e.g. 'endpoint: localhost:6379'");
    }
    if (collectionInterval.isNegative() || collectionInterval.isZero()) {
      throw new InvalidConfigException("collection_interval", "must be positive");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new InvalidConfigException("timeout", "must be positive");
    }
    if (slowlogMaxEntries < 0) {
      throw new InvalidConfigException("slowlog_max_entries", "must be 0 (off) or more");
    }
    if (!tls.insecure()) {
      if ((tls.certFile() == null) != (tls.keyFile() == null)) {
        throw new InvalidConfigException("tls.cert_file", "cert_file and key_file go together");
      }
      for (String[] file :
          new String[][] {
            {"tls.ca_file", tls.caFile()},
            {"tls.cert_file", tls.certFile()},
            {"tls.key_file", tls.keyFile()}
          }) {
        if (file[1] != null && !Files.isReadable(Path.of(file[1]))) {
          throw new InvalidConfigException(file[0], "cannot read '" + file[1] + "'");
        }
      }
    }
    if (username != null && !username.isEmpty() && (password == null || password.isEmpty())) {
      throw new InvalidConfigException("password", "is required when username is set");
    }
  }

  /** A node's address. */
  record Address(String host, int port) {
    static Address parse(String text, String key) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw new InvalidConfigException(key, "'" + text + "' is not host:port");
      }
      try {
        int port = Integer.parseInt(text.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        return new Address(host, port);
      } catch (NumberFormatException e) {
        throw new InvalidConfigException(key, "'" + text + "' has no valid port");
      }
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
