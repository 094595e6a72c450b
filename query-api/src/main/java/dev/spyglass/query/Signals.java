package dev.spyglass.query;

import dev.spyglass.pipeline.Signal;

/** The API's signal names: {@code logs}, {@code spans}, {@code metrics}. */
final class Signals {
  private Signals() {}

  static Signal parse(String name) {
    return switch (name) {
      case "logs" -> Signal.LOGS;
      case "spans" -> Signal.TRACES;
      case "metrics" -> Signal.METRICS;
      default ->
          throw ApiException.badRequest(
              "unknown_signal", "signal '" + name + "' is not one of logs, spans, metrics");
    };
  }

  static String name(Signal signal) {
    return switch (signal) {
      case LOGS -> "logs";
      case TRACES -> "spans";
      case METRICS -> "metrics";
    };
  }
}
