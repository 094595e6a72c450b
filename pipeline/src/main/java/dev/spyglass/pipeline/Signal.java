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

  /**
   * What one item of this signal is called in the Collector's metric names: {@code spans}, {@code
   * metric_points} or {@code log_records} (as in {@code otelcol_receiver_accepted_spans}).
   */
  public String itemName() {
    return switch (this) {
      case TRACES -> "spans";
      case METRICS -> "metric_points";
      case LOGS -> "log_records";
    };
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
