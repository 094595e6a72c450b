package dev.spyglass.exporter.otlp;

import dev.spyglass.exporter.filestorage.FileStorageFactory;
import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentReference;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.time.Duration;
import java.util.List;
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

  /** The {@code file_storage} extension a disk queue names, checked before anything starts. */
  @Override
  default List<ComponentReference> references() {
    if (!sendingQueue().enabled()) {
      return List.of();
    }
    return sendingQueue()
        .storageId()
        .map(
            id ->
                List.of(
                    new ComponentReference(
                        "sending_queue.storage",
                        ComponentKind.EXTENSION,
                        id,
                        FileStorageFactory.class,
                        "a file_storage extension")))
        .orElse(List.of());
  }

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
