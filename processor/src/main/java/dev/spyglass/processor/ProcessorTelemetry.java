package dev.spyglass.processor;

import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.component.ComponentSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;

/**
 * A processor's own counters, named as the Collector's: {@code otelcol_processor_incoming_items},
 * {@code otelcol_processor_outgoing_items}, and {@code otelcol_processor_dropped_items} / {@code
 * …_refused_items} (with the reason), by processor and signal.
 */
public final class ProcessorTelemetry {
  private static final AttributeKey<String> PROCESSOR = AttributeKey.stringKey("processor");
  private static final AttributeKey<String> SIGNAL = AttributeKey.stringKey("otel.signal");
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

  private final String processor;
  private final LongCounter incoming;
  private final LongCounter outgoing;
  private final LongCounter dropped;
  private final LongCounter refused;

  public ProcessorTelemetry(ComponentSettings settings) {
    this.processor = settings.id().toString();
    var meter = settings.meter();
    incoming = meter.counterBuilder("otelcol_processor_incoming_items").build();
    outgoing = meter.counterBuilder("otelcol_processor_outgoing_items").build();
    dropped = meter.counterBuilder("otelcol_processor_dropped_items").build();
    refused = meter.counterBuilder("otelcol_processor_refused_items").build();
  }

  public void incoming(Telemetry batch) {
    incoming.add(batch.itemCount(), attributes(batch));
  }

  public void outgoing(Telemetry batch) {
    outgoing.add(batch.itemCount(), attributes(batch));
  }

  /** Items the processor removed on purpose (sampled out, filtered). */
  public void dropped(Telemetry batch, long items, String reason) {
    if (items > 0) {
      dropped.add(items, attributes(batch).toBuilder().put(REASON, reason).build());
    }
  }

  /** Items refused back to the client (e.g. over the memory limit). */
  public void refused(Telemetry batch, String reason) {
    refused.add(batch.itemCount(), attributes(batch).toBuilder().put(REASON, reason).build());
  }

  private Attributes attributes(Telemetry batch) {
    return Attributes.of(PROCESSOR, processor, SIGNAL, batch.signal().configName());
  }
}
