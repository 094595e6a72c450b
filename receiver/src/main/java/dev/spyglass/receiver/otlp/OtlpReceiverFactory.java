package dev.spyglass.receiver.otlp;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Consumers;
import dev.spyglass.pipeline.component.Receiver;
import dev.spyglass.pipeline.component.ReceiverFactory;
import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code otlp} receiver: OTLP over gRPC (default {@code 127.0.0.1:4317}) and HTTP (default
 * {@code 127.0.0.1:4318}) for traces, metrics and logs. A protocol listens only when named under
 * {@code protocols}.
 */
public final class OtlpReceiverFactory implements ReceiverFactory<OtlpReceiverConfig> {

  @Override
  public String type() {
    return "otlp";
  }

  @Override
  public Class<OtlpReceiverConfig> configType() {
    return OtlpReceiverConfig.class;
  }

  @Override
  public OtlpReceiverConfig defaultConfig() {
    return new OtlpReceiverConfig(new OtlpReceiverConfig.Protocols(null, null));
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public Receiver create(ComponentSettings settings, OtlpReceiverConfig config, Consumers next) {
    return new OtlpReceiver(settings, config, next);
  }
}
