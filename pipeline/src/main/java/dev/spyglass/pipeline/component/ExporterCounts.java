package dev.spyglass.pipeline.component;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The Collector's item counters every exporter keeps, by signal and with the {@code exporter}
 * attribute: {@code otelcol_exporter_sent_<items>} (taken by the destination), {@code
 * otelcol_exporter_send_failed_<items>} (refused, or failed for good) and {@code
 * otelcol_exporter_enqueue_failed_<items>} (refused by a full sending queue). Items are spans,
 * metric points or log records ({@link Signal#itemName()}).
 */
public final class ExporterCounts {
  private final Map<Signal, LongCounter> sent = new EnumMap<>(Signal.class);
  private final Map<Signal, LongCounter> sendFailed = new EnumMap<>(Signal.class);
  private final Map<Signal, LongCounter> enqueueFailed = new EnumMap<>(Signal.class);
  private final Attributes exporter;

  private ExporterCounts(ComponentSettings settings) {
    Meter meter = settings.meter();
    exporter = Attributes.of(AttributeKey.stringKey("exporter"), settings.id().toString());
    for (Signal signal : Signal.values()) {
      String item = signal.itemName();
      sent.put(
          signal,
          meter
              .counterBuilder("otelcol_exporter_sent_" + item)
              .setDescription("Items the destination took")
              .build());
      sendFailed.put(
          signal,
          meter
              .counterBuilder("otelcol_exporter_send_failed_" + item)
              .setDescription("Items the destination refused, or that failed for good")
              .build());
      enqueueFailed.put(
          signal,
          meter
              .counterBuilder("otelcol_exporter_enqueue_failed_" + item)
              .setDescription("Items refused because the sending queue was full")
              .build());
    }
  }

  /** Counters recording into {@code settings}' meter, attributed to its component id. */
  public static ExporterCounts create(ComponentSettings settings) {
    return new ExporterCounts(requireNonNull(settings, "settings"));
  }

  /** The {@code exporter} attribute every count carries. */
  public Attributes attributes() {
    return exporter;
  }

  public void sent(Signal signal, long items) {
    add(sent, signal, items);
  }

  public void sendFailed(Signal signal, long items) {
    add(sendFailed, signal, items);
  }

  public void enqueueFailed(Signal signal, long items) {
    add(enqueueFailed, signal, items);
  }

  /**
   * Counts {@code batch} as sent when {@code result} completes, as failed when it fails; returns
   * {@code result}.
   */
  public CompletableFuture<Void> counting(Telemetry batch, CompletableFuture<Void> result) {
    result.whenComplete(
        (ok, failure) -> {
          if (failure == null) {
            sent(batch.signal(), batch.itemCount());
          } else {
            sendFailed(batch.signal(), batch.itemCount());
          }
        });
    return result;
  }

  private void add(Map<Signal, LongCounter> counters, Signal signal, long items) {
    if (items > 0) {
      counters.get(signal).add(items, exporter);
    }
  }
}
