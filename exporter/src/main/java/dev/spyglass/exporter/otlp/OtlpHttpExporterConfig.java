package dev.spyglass.exporter.otlp;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of the {@code otlphttp} exporter, as the Collector's.
 *
 * @param endpoint the base URL; {@code /v1/traces}, {@code /v1/metrics}, {@code /v1/logs} are
 *     appended
 * @param tracesEndpoint the full URL for traces, instead of {@code endpoint}'s
 * @param metricsEndpoint the full URL for metrics
 * @param logsEndpoint the full URL for logs
 * @param encoding {@code proto} (default) or {@code json}
 * @param tls TLS of the connection (for {@code https} URLs)
 * @param headers sent with every request
 * @param compression {@code gzip} (default), {@code zstd} or {@code none}
 * @param timeout the longest one attempt may take; default 30s
 * @param retryOnFailure backoff between attempts
 * @param sendingQueue the queue in front of the senders
 */
public record OtlpHttpExporterConfig(
    String endpoint,
    String tracesEndpoint,
    String metricsEndpoint,
    String logsEndpoint,
    Encoding encoding,
    ClientTlsSettings tls,
    Map<String, String> headers,
    Compression compression,
    Duration timeout,
    RetrySettings retryOnFailure,
    QueueSettings sendingQueue)
    implements ClientSettings {

  /** How request bodies are encoded. */
  public enum Encoding {
    PROTO,
    JSON
  }

  public OtlpHttpExporterConfig {
    endpoint = endpoint == null ? "" : endpoint.trim();
    tracesEndpoint = tracesEndpoint == null ? "" : tracesEndpoint.trim();
    metricsEndpoint = metricsEndpoint == null ? "" : metricsEndpoint.trim();
    logsEndpoint = logsEndpoint == null ? "" : logsEndpoint.trim();
    tls = tls == null ? ClientTlsSettings.DEFAULT : tls;
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  @Override
  public void validate() {
    validateShared();
    for (Signal signal : Signal.values()) {
      url(signal);
    }
  }

  /** Where batches of {@code signal} are POSTed. */
  URI url(Signal signal) {
    String specific =
        switch (signal) {
          case TRACES -> tracesEndpoint;
          case METRICS -> metricsEndpoint;
          case LOGS -> logsEndpoint;
        };
    String key = specific.isEmpty() ? "endpoint" : signal.configName() + "_endpoint";
    String url;
    if (!specific.isEmpty()) {
      url = specific;
    } else if (endpoint.isEmpty()) {
      throw new InvalidConfigException(
          "endpoint", "is required (or every signal's *_endpoint), e.g. http://collector:4318");
    } else {
      url = endpoint.replaceAll("/+$", "") + "/v1/" + signal.configName();
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(key, "is not a URL: " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new InvalidConfigException(
          key, "must be an http:// or https:// URL, not '" + url + "'");
    }
    if (uri.getHost() == null) {
      throw new InvalidConfigException(key, "needs a host: '" + url + "'");
    }
    return uri;
  }
}
