package dev.spyglass.exporter.otlp;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.ExporterCounts;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The Collector's exporter metrics — {@code otelcol_exporter_sent_*}, {@code …_send_failed_*},
 * {@code …_enqueue_failed_*} for spans, metric points and log records ({@link ExporterCounts}),
 * {@code otelcol_exporter_queue_size} and {@code …_queue_capacity} — plus {@code
 * spyglass_exporter_send_duration} (seconds per attempt, by outcome).
 */
final class ExporterTelemetry {
  private final ExporterCounts counts;
  private final DoubleHistogram sendDuration;
  private final Meter meter;
  private final Attributes exporter;
  private final Map<String, Attributes> byOutcome;

  ExporterTelemetry(ComponentSettings settings) {
    meter = settings.meter();
    counts = ExporterCounts.create(settings);
    exporter = counts.attributes();
    sendDuration =
        meter
            .histogramBuilder("spyglass_exporter_send_duration")
            .setUnit("s")
            .setDescription("How long one attempt to send a batch took")
            .setExplicitBucketBoundariesAdvice(
                List.of(
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
            .build();
    AttributeKey<String> outcome = AttributeKey.stringKey("outcome");
    byOutcome =
        Map.of(
            "sent", exporter.toBuilder().put(outcome, "sent").build(),
            "retry", exporter.toBuilder().put(outcome, "retry").build(),
            "refused", exporter.toBuilder().put(outcome, "refused").build());
  }

  /** Registers the queue gauges, read at collection time. */
  void queue(IntSupplier size, int capacity) {
    meter
        .gaugeBuilder("otelcol_exporter_queue_size")
        .ofLongs()
        .setDescription("Batches waiting in the sending queue")
        .buildWithCallback(m -> m.record(size.getAsInt(), exporter));
    meter
        .gaugeBuilder("otelcol_exporter_queue_capacity")
        .ofLongs()
        .setDescription("Batches the sending queue holds")
        .buildWithCallback(m -> m.record(capacity, exporter));
  }

  void sent(Signal signal, long items) {
    counts.sent(signal, items);
  }

  void sendFailed(Signal signal, long items) {
    counts.sendFailed(signal, items);
  }

  void enqueueFailed(Signal signal, long items) {
    counts.enqueueFailed(signal, items);
  }

  void attempt(Outcome outcome, long nanos) {
    String name =
        switch (outcome) {
          case Outcome.Sent s -> "sent";
          case Outcome.Retry r -> "retry";
          case Outcome.Refused r -> "refused";
        };
    sendDuration.record(nanos / 1e9, byOutcome.get(name));
  }
}
