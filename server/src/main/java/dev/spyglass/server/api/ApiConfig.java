package dev.spyglass.server.api;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentReference;
import dev.spyglass.pipeline.component.Endpoint;
import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.receiver.otlp.TlsSettings;
import dev.spyglass.storage.StorageFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Configuration of the {@code api} extension.
 *
 * @param endpoint where the HTTP API listens; default {@code 127.0.0.1:8686}
 * @param storage the id of the store exporter the query API reads ({@code spyglass}, {@code
 *     spyglass/primary}); empty (the default) reads the exporter {@code spyglass} if there is one
 * @param queryTimeout how long one read may run before it answers with what it found, flagged
 *     {@code partial}; default 10 s, at least 1 ms. HTTP requests time out 5 s after it
 * @param snapshots where {@code POST /api/v1/admin/snapshots} may write
 * @param auth bearer tokens (and client certificate subjects) with roles; without it the API may
 *     only listen on loopback, or behind mTLS
 * @param tls HTTPS from PEM files, as the OTLP receiver's; with {@code client_ca_file} every client
 *     must present a certificate that CA signed (mTLS)
 * @param insecure listen on another address without {@code auth} all the same (a warning at start)
 * @param maxConcurrentQueries reads run at once, the rest wait their turn (their wait counts
 *     against {@code query_timeout}); 0 (the default) for half the cores, at least 1 — so that
 *     however expensive the queries, ingest keeps cores of its own
 */
public record ApiConfig(
    Endpoint endpoint,
    String storage,
    Duration queryTimeout,
    Snapshots snapshots,
    ApiAuth auth,
    TlsSettings tls,
    boolean insecure,
    int maxConcurrentQueries)
    implements ComponentConfig {
  /**
   * Where snapshots go and how.
   *
   * @param directory the only directory snapshots are written into, one subdirectory per snapshot
   *     name; default {@code ./spyglass-snapshots} (relative to where Spyglass runs, as the store's
   *     path)
   * @param encryptionKeyFile when set, every snapshot is AES-256-GCM-encrypted with the key in this
   *     file (base64 of 32 bytes, as {@code openssl rand -base64 32} writes) unless the request
   *     brings its own
   */
  public record Snapshots(String directory, String encryptionKeyFile) {
    public static final Snapshots DEFAULT = new Snapshots("spyglass-snapshots", null);

    /** The configured key, read now (so that a bad key file fails at start, at its line). */
    java.util.Optional<dev.spyglass.storage.embedded.SnapshotKey> key() {
      if (encryptionKeyFile == null || encryptionKeyFile.isBlank()) {
        return java.util.Optional.empty();
      }
      try {
        return java.util.Optional.of(
            dev.spyglass.storage.embedded.SnapshotKey.read(
                java.nio.file.Path.of(encryptionKeyFile)));
      } catch (java.io.IOException e) {
        throw new InvalidConfigException("snapshots.encryption_key_file", e.getMessage());
      }
    }
  }

  /** The store read when {@code storage} is not set, if it exists. */
  static final ComponentId DEFAULT_STORAGE = ComponentId.of("spyglass");

  /** The defaults with another endpoint. */
  public ApiConfig(Endpoint endpoint) {
    this(endpoint, "", Duration.ofSeconds(10), Snapshots.DEFAULT, null, null, false, 0);
  }

  @Override
  public void validate() {
    if (queryTimeout.compareTo(Duration.ofMillis(1)) < 0) {
      throw new InvalidConfigException("query_timeout", "must be at least 1ms");
    }
    if (maxConcurrentQueries < 0) {
      throw new InvalidConfigException("max_concurrent_queries", "must be 0 (automatic) or more");
    }
    if (snapshots == null || snapshots.directory() == null || snapshots.directory().isBlank()) {
      throw new InvalidConfigException("snapshots.directory", "must be a directory");
    }
    snapshots.key();
    if (tls != null) {
      tls.validate("tls.");
    }
    boolean mtls = tls != null && tls.requiresClientCertificates();
    if (auth != null) {
      auth.validate();
      if (!auth.clients().isEmpty() && !mtls) {
        throw new InvalidConfigException(
            "auth.clients", "client certificates are only seen with tls.client_ca_file set (mTLS)");
      }
    } else if (!insecure && !mtls && !loopback()) {
      throw new InvalidConfigException(
          "endpoint",
          "'"
              + endpoint.host()
              + "' is reachable from other machines, and every stored record would be readable"
              + " there without a token: set auth (tokens with roles read/admin), require client"
              + " certificates (tls.client_ca_file), listen on 127.0.0.1, or set insecure: true");
    }
    if (!storage.isBlank()) {
      try {
        ComponentId.parse(storage);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException("storage", e.getMessage());
      }
    }
  }

  /** Reads that run at once: {@code max_concurrent_queries}, or half the cores. */
  int queryThreads() {
    return maxConcurrentQueries > 0
        ? maxConcurrentQueries
        : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  /** Whether the endpoint is reachable from this machine only. */
  boolean loopback() {
    try {
      return java.net.InetAddress.getByName(endpoint.host()).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** The store exporter named by {@code storage}; empty when it is not set. */
  Optional<ComponentId> storageId() {
    return storage.isBlank() ? Optional.empty() : Optional.of(ComponentId.parse(storage));
  }

  @Override
  public List<ComponentReference> references() {
    return storageId()
        .map(
            id ->
                List.of(
                    new ComponentReference(
                        "storage",
                        ComponentKind.EXPORTER,
                        id,
                        StorageFactory.class,
                        "a store exporter (such as spyglass)")))
        .orElse(List.of());
  }
}
