package dev.spyglass.exporter.otlp;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.time.Duration;
import java.util.Map;

/** What the {@code otlp} and {@code otlphttp} exporters' configurations share. */
public sealed interface ClientSettings extends ComponentConfig
    permits OtlpExporterConfig, OtlpHttpExporterConfig {

  ClientTlsSettings tls();

  Map<String, String> headers();

  Compression compression();

  Duration timeout();

  RetrySettings retryOnFailure();

  QueueSettings sendingQueue();

  /** Checks what both exporters share. */
  default void validateShared() {
    if (timeout().isNegative() || timeout().isZero()) {
      throw new InvalidConfigException("timeout", "must be positive");
    }
    headers()
        .forEach(
            (name, value) -> {
              if (name.isBlank() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                throw new InvalidConfigException(
                    java.util.List.of("headers", name), "is not a valid header name");
              }
              if (value == null) {
                throw new InvalidConfigException(
                    java.util.List.of("headers", name), "needs a value");
              }
            });
    tls().validate();
    retryOnFailure().validate();
    sendingQueue().validate();
  }
}
