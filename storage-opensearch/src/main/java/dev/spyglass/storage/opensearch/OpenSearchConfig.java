package dev.spyglass.storage.opensearch;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.net.URI;
import java.time.Duration;

/**
 * Configuration of the {@code opensearch} exporter, in the shape of the Collector's {@code
 * opensearch} exporter where one exists (docs/adr/0018).
 *
 * @param http how to reach the cluster
 * @param path the local directory of the write-ahead log (acknowledged, not yet confirmed by
 *     OpenSearch), the shipped position and this instance's id; default {@code
 *     ./spyglass-data/opensearch}
 * @param logsIndex prefix of the daily log indices; default {@code spyglass-logs}
 * @param tracesIndex prefix of the daily span indices; default {@code spyglass-traces}
 * @param metricsIndex prefix of the daily metric point indices; default {@code spyglass-metrics}
 * @param shards primary shards per index; default 1
 * @param replicas replicas of each shard; default 1 (a single-node cluster stays yellow)
 * @param refreshInterval how soon written documents are searchable; default 1s
 * @param bulk how documents are batched into {@code _bulk} requests
 * @param maxUnshippedMib acknowledged bytes not yet confirmed by OpenSearch past which new requests
 *     are refused as retryable (503 / UNAVAILABLE) until the cluster catches up; default 256. The
 *     unshipped requests are also held in memory for shipping, so this bounds heap use too
 * @param retention how long the daily indices are kept
 * @param limits what of a record's attributes is indexed (the embedded store's {@code limits})
 */
public record OpenSearchConfig(
    Http http,
    String path,
    String logsIndex,
    String tracesIndex,
    String metricsIndex,
    int shards,
    int replicas,
    Duration refreshInterval,
    Bulk bulk,
    long maxUnshippedMib,
    Retention retention,
    Limits limits)
    implements ComponentConfig {

  /** Everything but retention and limits, which take their defaults. */
  public OpenSearchConfig(
      Http http,
      String path,
      String logsIndex,
      String tracesIndex,
      String metricsIndex,
      int shards,
      int replicas,
      Duration refreshInterval,
      Bulk bulk,
      long maxUnshippedMib) {
    this(
        http,
        path,
        logsIndex,
        tracesIndex,
        metricsIndex,
        shards,
        replicas,
        refreshInterval,
        bulk,
        maxUnshippedMib,
        Retention.KEEP,
        Limits.DEFAULT);
  }

  public OpenSearchConfig {
    retention = retention == null ? Retention.KEEP : retention;
    limits = limits == null ? Limits.DEFAULT : limits;
  }

  /**
   * The cluster's HTTP endpoint.
   *
   * @param endpoint {@code http(s)://host:port}, default {@code http://127.0.0.1:9200}
   * @param endpoints more nodes of the same cluster, tried when one does not answer; none by
   *     default
   * @param username basic auth; empty for none
   * @param password basic auth
   * @param bearerToken sent as {@code Authorization: Bearer}; empty for none
   * @param timeout per request; default 30s
   * @param tls how an {@code https} endpoint is trusted, and this client's certificate
   */
  public record Http(
      String endpoint,
      java.util.List<String> endpoints,
      String username,
      String password,
      String bearerToken,
      Duration timeout,
      Tls tls) {
    /** One endpoint. */
    public Http(
        String endpoint, String username, String password, String bearerToken, Duration timeout) {
      this(endpoint, java.util.List.of(), username, password, bearerToken, timeout, Tls.DEFAULT);
    }

    /** Every endpoint, {@code endpoint} first. */
    public java.util.List<String> all() {
      java.util.List<String> all = new java.util.ArrayList<>();
      all.add(endpoint);
      all.addAll(endpoints);
      return all;
    }

    public Http {
      endpoints = endpoints == null ? java.util.List.of() : java.util.List.copyOf(endpoints);
      username = username == null ? "" : username;
      password = password == null ? "" : password;
      bearerToken = bearerToken == null ? "" : bearerToken;
      tls = tls == null ? Tls.DEFAULT : tls;
    }
  }

  /**
   * TLS of an {@code https} endpoint, named as the Collector's client {@code configtls}.
   *
   * @param caFile CAs that sign the cluster's certificate (PEM); default the JDK's trust store
   * @param insecureSkipVerify accept any certificate and host name; default false (for tests only)
   * @param certFile this client's certificate chain (PEM), for clusters that authenticate clients
   *     by certificate
   * @param keyFile this client's private key (PEM, PKCS#8 unencrypted)
   */
  public record Tls(String caFile, boolean insecureSkipVerify, String certFile, String keyFile) {
    public static final Tls DEFAULT = new Tls("", false, "", "");

    public Tls {
      caFile = caFile == null ? "" : caFile;
      certFile = certFile == null ? "" : certFile;
      keyFile = keyFile == null ? "" : keyFile;
    }

    void validate() {
      readable("http.tls.ca_file", caFile);
      readable("http.tls.cert_file", certFile);
      readable("http.tls.key_file", keyFile);
      if (certFile.isEmpty() != keyFile.isEmpty()) {
        throw new InvalidConfigException(
            certFile.isEmpty() ? "http.tls.cert_file" : "http.tls.key_file",
            "is required with http.tls." + (certFile.isEmpty() ? "key_file" : "cert_file"));
      }
    }

    private static void readable(String key, String file) {
      if (!file.isEmpty() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(file))) {
        throw new InvalidConfigException(key, "cannot read file '" + file + "'");
      }
    }
  }

  /**
   * @param maxAge daily indices whose day ended longer ago are deleted (by every instance that
   *     ships to the cluster, hourly and at start); 0 keeps everything
   */
  public record Retention(Duration maxAge) {
    public static final Retention KEEP = new Retention(Duration.ZERO);
  }

  /**
   * @param maxIndexedAttributes attributes indexed per record (and per resource); default 128
   * @param maxIndexedValueLength longer attribute values are stored, not indexed; default 4096
   */
  public record Limits(int maxIndexedAttributes, int maxIndexedValueLength) {
    public static final Limits DEFAULT = new Limits(128, 4096);
  }

  /**
   * Batching of {@code _bulk} requests.
   *
   * @param maxDocuments documents per request at most; default 5000
   * @param maxMib request size at most, MiB; default 8
   * @param workers {@code _bulk} requests in flight at once when there is more than one to send;
   *     default 2 (a batch's position moves once all its requests are confirmed)
   */
  public record Bulk(int maxDocuments, int maxMib, int workers) {
    /** Two workers. */
    public Bulk(int maxDocuments, int maxMib) {
      this(maxDocuments, maxMib, 2);
    }
  }

  private static void endpoint(String key, String text) {
    URI endpoint;
    try {
      endpoint = new URI(text);
    } catch (java.net.URISyntaxException | NullPointerException e) {
      throw new InvalidConfigException(key, "not a URL: " + text);
    }
    if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())
        || endpoint.getHost() == null
        || endpoint.getPort() < 0) {
      throw new InvalidConfigException(
          key, "expected http(s)://host:port, e.g. http://127.0.0.1:9200");
    }
  }

  /** The defaults. */
  public static OpenSearchConfig defaults() {
    return new OpenSearchConfig(
        new Http("http://127.0.0.1:9200", "", "", "", Duration.ofSeconds(30)),
        "./spyglass-data/opensearch",
        "spyglass-logs",
        "spyglass-traces",
        "spyglass-metrics",
        1,
        1,
        Duration.ofSeconds(1),
        new Bulk(5000, 8, 2),
        256,
        Retention.KEEP,
        Limits.DEFAULT);
  }

  @Override
  public void validate() {
    endpoint("http.endpoint", http.endpoint());
    for (int i = 0; i < http.endpoints().size(); i++) {
      endpoint("http.endpoints." + i, http.endpoints().get(i));
    }
    if (!http.bearerToken().isEmpty() && !http.username().isEmpty()) {
      throw new InvalidConfigException("http", "set username/password or bearer_token, not both");
    }
    for (String[] index :
        new String[][] {
          {"logs_index", logsIndex}, {"traces_index", tracesIndex}, {"metrics_index", metricsIndex}
        }) {
      if (index[1] == null || !index[1].matches("[a-z0-9][a-z0-9_.-]*")) {
        throw new InvalidConfigException(
            index[0], "an index prefix is lower-case letters, digits, '_', '.', '-'");
      }
    }
    if (shards < 1 || replicas < 0) {
      throw new InvalidConfigException("shards", "shards ≥ 1 and replicas ≥ 0 are needed");
    }
    if (bulk.maxDocuments() < 1 || bulk.maxMib() < 1) {
      throw new InvalidConfigException("bulk", "max_documents and max_mib must be at least 1");
    }
    if (bulk.workers() < 1 || bulk.workers() > 64) {
      throw new InvalidConfigException("bulk.workers", "must be between 1 and 64");
    }
    if (maxUnshippedMib < 1) {
      throw new InvalidConfigException("max_unshipped_mib", "must be at least 1");
    }
    http.tls().validate();
    if (retention.maxAge().isNegative()) {
      throw new InvalidConfigException("retention.max_age", "must not be negative");
    }
    if (limits.maxIndexedAttributes() < 0) {
      throw new InvalidConfigException("limits.max_indexed_attributes", "must not be negative");
    }
    if (limits.maxIndexedValueLength() < 1 || limits.maxIndexedValueLength() > 8000) {
      throw new InvalidConfigException(
          "limits.max_indexed_value_length", "must be between 1 and 8000");
    }
  }
}
