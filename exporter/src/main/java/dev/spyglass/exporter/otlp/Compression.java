package dev.spyglass.exporter.otlp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How request bodies are compressed: {@code gzip} (the Collector's default), {@code zstd}, none.
 */
public enum Compression {
  GZIP("gzip"),
  ZSTD("zstd"),
  NONE("none");

  private final String configName;

  Compression(String configName) {
    this.configName = configName;
  }

  /** The name in configuration and in {@code Content-Encoding} / {@code grpc-encoding}. */
  @JsonValue
  public String configName() {
    return configName;
  }

  /** {@code gzip}, {@code zstd}, or {@code none} / empty. */
  @JsonCreator
  public static Compression parse(String name) {
    String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
    return switch (lower) {
      case "gzip" -> GZIP;
      case "zstd" -> ZSTD;
      case "", "none" -> NONE;
      default ->
          throw new IllegalArgumentException(
              "unknown compression '" + name + "'; expected gzip, zstd or none");
    };
  }
}
