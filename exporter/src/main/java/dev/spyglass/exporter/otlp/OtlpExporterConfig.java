package dev.spyglass.exporter.otlp;

import dev.spyglass.pipeline.component.InvalidConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of the {@code otlp} (gRPC) exporter, as the Collector's.
 *
 * @param endpoint {@code host:port} (TLS unless {@code tls.insecure}), or {@code http://host:port}
 *     / {@code https://host:port}; required
 * @param tls TLS of the connection
 * @param headers sent with every request (e.g. {@code authorization})
 * @param compression {@code gzip} (default) or {@code none}
 * @param timeout the longest one attempt may take; default 5s
 * @param retryOnFailure backoff between attempts
 * @param sendingQueue the queue in front of the senders
 */
public record OtlpExporterConfig(
    String endpoint,
    ClientTlsSettings tls,
    Map<String, String> headers,
    Compression compression,
    Duration timeout,
    RetrySettings retryOnFailure,
    QueueSettings sendingQueue)
    implements ClientSettings {

  public OtlpExporterConfig {
    endpoint = endpoint == null ? "" : endpoint.trim();
    tls = tls == null ? ClientTlsSettings.DEFAULT : tls;
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  @Override
  public void validate() {
    validateShared();
    if (compression == Compression.ZSTD) {
      throw new InvalidConfigException(
          "compression", "zstd is not a gRPC compressor here; use gzip or none (or otlphttp)");
    }
    target();
  }

  /** The URI to connect to: {@code http} or {@code https}, host and port. */
  URI target() {
    if (endpoint.isEmpty()) {
      throw new InvalidConfigException("endpoint", "is required, e.g. collector.example:4317");
    }
    String withScheme =
        endpoint.contains("://") ? endpoint : (tls.insecure() ? "http://" : "https://") + endpoint;
    URI uri;
    try {
      uri = URI.create(withScheme);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("endpoint", "is not host:port or a URL: " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new InvalidConfigException(
          "endpoint", "scheme must be http or https, not '" + uri.getScheme() + "'");
    }
    if (uri.getHost() == null || uri.getPort() < 0) {
      throw new InvalidConfigException("endpoint", "needs a host and a port, e.g. host:4317");
    }
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
  }
}
