package dev.spyglass.pipeline;

import java.util.Locale;
import java.util.Optional;

/** The three OpenTelemetry signals, named as in a pipeline id ({@code traces/main}). */
public enum Signal {
  TRACES,
  METRICS,
  LOGS;

  /**
   * The name used in configuration and in telemetry: {@code traces}, {@code metrics} or {@code
   * logs}.
   */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The signal named {@code name} in configuration, or empty if there is none. */
  public static Optional<Signal> fromConfigName(String name) {
    for (Signal signal : values()) {
      if (signal.configName().equals(name)) {
        return Optional.of(signal);
      }
    }
    return Optional.empty();
  }
}
