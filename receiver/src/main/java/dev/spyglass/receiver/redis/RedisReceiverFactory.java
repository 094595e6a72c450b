package dev.spyglass.receiver.redis;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Consumers;
import dev.spyglass.pipeline.component.Receiver;
import dev.spyglass.pipeline.component.ReceiverFactory;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The {@code redis} receiver: metrics from INFO and LATENCY, logs from SLOWLOG. */
public final class RedisReceiverFactory implements ReceiverFactory<RedisReceiverConfig> {

  @Override
  public String type() {
    return "redis";
  }

  @Override
  public Class<RedisReceiverConfig> configType() {
    return RedisReceiverConfig.class;
  }

  @Override
  public RedisReceiverConfig defaultConfig() {
    return new RedisReceiverConfig(
        null,
        List.of(),
        null,
        null,
        Duration.ofSeconds(10),
        true,
        128,
        Duration.ofSeconds(5),
        new RedisReceiverConfig.Tls(true, null, null, null, false));
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.of(Signal.METRICS, Signal.LOGS);
  }

  @Override
  public Receiver create(ComponentSettings settings, RedisReceiverConfig config, Consumers next) {
    return new RedisReceiver(settings, config, next);
  }
}
