package dev.spyglass.pipeline.component;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.TelemetryConsumer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a receiver sends each signal: one consumer per signal that some pipeline takes from it. A
 * signal that no pipeline takes from the receiver has no consumer, and the receiver should refuse
 * it (OTLP: HTTP 404 or gRPC {@code UNIMPLEMENTED}).
 */
public final class Consumers {
  private final Map<Signal, TelemetryConsumer> bySignal;

  private Consumers(Map<Signal, TelemetryConsumer> bySignal) {
    this.bySignal = bySignal.isEmpty() ? Map.of() : new EnumMap<>(bySignal);
  }

  /** Consumers for the signals that are keys of {@code bySignal}. */
  public static Consumers of(Map<Signal, TelemetryConsumer> bySignal) {
    return new Consumers(bySignal);
  }

  /** The consumer for {@code signal}, or empty when no pipeline takes that signal. */
  public Optional<TelemetryConsumer> forSignal(Signal signal) {
    return Optional.ofNullable(bySignal.get(signal));
  }

  /** The signals that have a consumer. */
  public Set<Signal> signals() {
    return bySignal.keySet();
  }
}
