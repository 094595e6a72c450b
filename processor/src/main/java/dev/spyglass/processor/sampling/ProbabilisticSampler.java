package dev.spyglass.processor.sampling;

import com.google.protobuf.ByteString;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.processor.ProcessorTelemetry;
import dev.spyglass.processor.RecordView;
import dev.spyglass.processor.Records;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps a share of traces by hashing their trace id exactly as the Collector's {@code
 * probabilisticsampler} does in hash-seed mode — FNV-1a (32 bit) over the seed's four little-endian
 * bytes then the id, the low 14 bits compared with the scaled percentage — so a Spyglass and a
 * Collector with the same seed keep the same traces. {@code sampling.priority} overrides: 0 drops,
 * more keeps. Log records hash their trace id or a chosen attribute.
 */
final class ProbabilisticSampler implements Processor {
  private static final int BUCKETS = 0x4000;
  private static final int BUCKET_MASK = BUCKETS - 1;

  private final ProbabilisticSamplerConfig config;
  private final TelemetryConsumer next;
  private final ProcessorTelemetry telemetry;
  private final int threshold;

  ProbabilisticSampler(
      ComponentSettings settings, ProbabilisticSamplerConfig config, TelemetryConsumer next) {
    this.config = config;
    this.next = next;
    this.telemetry = new ProcessorTelemetry(settings);
    this.threshold = (int) (config.samplingPercentage() * (BUCKETS / 100.0));
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    telemetry.incoming(batch);
    Telemetry kept = Records.filter(batch, this::keep);
    telemetry.dropped(batch, batch.itemCount() - kept.itemCount(), "sampled_out");
    if (kept.itemCount() == 0) {
      return CompletableFuture.completedFuture(null);
    }
    telemetry.outgoing(kept);
    return next.consume(kept);
  }

  boolean keep(RecordView view) {
    for (KeyValue attribute : view.attributes()) {
      if (attribute.getKey().equals("sampling.priority")) {
        var value = attribute.getValue();
        double priority =
            value.hasIntValue()
                ? value.getIntValue()
                : value.hasDoubleValue() ? value.getDoubleValue() : parse(value.getStringValue());
        return priority > 0;
      }
    }
    byte[] source = source(view);
    if (source == null) {
      return !config.failClosed();
    }
    return (hash(source, config.hashSeed()) & BUCKET_MASK) < threshold;
  }

  private byte[] source(RecordView view) {
    if (view.signal() == Signal.LOGS && config.attributeSource().equals("record")) {
      for (KeyValue attribute : view.attributes()) {
        if (attribute.getKey().equals(config.fromAttribute())) {
          return attribute.getValue().getStringValue().getBytes(StandardCharsets.UTF_8);
        }
      }
      return null;
    }
    ByteString traceId = view.traceId();
    return traceId.isEmpty() ? null : traceId.toByteArray();
  }

  /** FNV-1a, 32 bit, over the seed's little-endian bytes and then {@code bytes}. */
  static int hash(byte[] bytes, long seed) {
    int hash = 0x811c9dc5;
    for (int i = 0; i < 4; i++) {
      hash ^= (int) ((seed >>> (8 * i)) & 0xff);
      hash *= 0x01000193;
    }
    for (byte b : bytes) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    return hash;
  }

  private static double parse(String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
