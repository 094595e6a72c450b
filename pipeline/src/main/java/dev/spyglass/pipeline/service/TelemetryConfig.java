package dev.spyglass.pipeline.service;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code service.telemetry}: where Spyglass's own metrics go besides {@code /metrics}, in the
 * Collector's shape ({@code metrics.readers[].periodic.exporter.otlp}).
 *
 * @param metricReaders periodic OTLP exports of the self-telemetry metrics
 */
public record TelemetryConfig(List<PeriodicReader> metricReaders) {

  /** No export: {@code /metrics} only. */
  public static final TelemetryConfig NONE = new TelemetryConfig(List.of());

  public TelemetryConfig {
    metricReaders = List.copyOf(metricReaders);
  }

  /**
   * One {@code periodic} reader with an {@code otlp} exporter.
   *
   * @param interval how often the metrics are exported
   * @param protocol {@code grpc}, {@code http/protobuf} or {@code http/json}
   * @param endpoint for gRPC {@code http(s)://host:port}; for HTTP the full URL, e.g. {@code
   *     http://host:4318/v1/metrics}
   * @param headers sent with every export
   * @param compression {@code gzip} or {@code none}
   * @param timeout the longest one export may take
   */
  public record PeriodicReader(
      Duration interval,
      String protocol,
      String endpoint,
      Map<String, String> headers,
      String compression,
      Duration timeout) {

    public PeriodicReader {
      requireNonNull(interval, "interval");
      requireNonNull(protocol, "protocol");
      requireNonNull(endpoint, "endpoint");
      headers = Map.copyOf(headers);
      requireNonNull(compression, "compression");
      requireNonNull(timeout, "timeout");
    }
  }
}
