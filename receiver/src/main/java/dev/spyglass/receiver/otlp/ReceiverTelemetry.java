package dev.spyglass.receiver.otlp;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.ComponentSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import java.util.EnumMap;
import java.util.Map;

/**
 * The Collector's receiver counters: {@code otelcol_receiver_accepted_spans}, {@code
 * …_refused_spans}, and the same for {@code metric_points} and {@code log_records}, with the
 * receiver's id and the transport ({@code grpc}, {@code http}) as attributes.
 */
final class ReceiverTelemetry {
  private final Map<Signal, LongCounter> accepted = new EnumMap<>(Signal.class);
  private final Map<Signal, LongCounter> refused = new EnumMap<>(Signal.class);
  private final Attributes grpc;
  private final Attributes http;
  private final LongCounter throttledRequests;
  private final Attributes receiverOnly;

  ReceiverTelemetry(ComponentSettings settings) {
    for (Signal signal : Signal.values()) {
      String item = signal.itemName();
      accepted.put(
          signal,
          settings
              .meter()
              .counterBuilder("otelcol_receiver_accepted_" + item)
              .setDescription("Items the receiver passed on and the pipeline took")
              .build());
      refused.put(
          signal,
          settings
              .meter()
              .counterBuilder("otelcol_receiver_refused_" + item)
              .setDescription("Items the receiver or the pipeline refused")
              .build());
    }
    AttributeKey<String> receiver = AttributeKey.stringKey("receiver");
    AttributeKey<String> transport = AttributeKey.stringKey("transport");
    receiverOnly = Attributes.of(receiver, settings.id().toString());
    throttledRequests =
        settings
            .meter()
            .counterBuilder("spyglass_receiver_throttled_requests")
            .setDescription(
                "Requests of a tenant told to wait (429) refused again, unread, before that time")
            .build();
    grpc = Attributes.of(receiver, settings.id().toString(), transport, "grpc");
    http = Attributes.of(receiver, settings.id().toString(), transport, "http");
  }

  void accepted(Signal signal, Transport transport, long items) {
    if (items > 0) {
      accepted.get(signal).add(items, attributes(transport));
    }
  }

  void refused(Signal signal, Transport transport, long items) {
    if (items > 0) {
      refused.get(signal).add(items, attributes(transport));
    }
  }

  void throttled(String tenant) {
    throttledRequests.add(
        1, receiverOnly.toBuilder().put(AttributeKey.stringKey("tenant"), tenant).build());
  }

  private Attributes attributes(Transport transport) {
    return transport == Transport.GRPC ? grpc : http;
  }

  enum Transport {
    GRPC,
    HTTP
  }
}
