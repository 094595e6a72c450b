package dev.spyglass.receiver.otlp;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;

/**
 * Configuration of the {@code otlp} receiver, shaped as the Collector's {@code otlpreceiver}: a
 * protocol listens only when its key is present under {@code protocols} ({@code grpc:} alone
 * enables gRPC with its defaults).
 *
 * @param protocols the protocols to serve
 */
public record OtlpReceiverConfig(Protocols protocols) implements ComponentConfig {

  public OtlpReceiverConfig {
    protocols = protocols == null ? new Protocols(null, null) : protocols;
  }

  /**
   * @param grpc OTLP/gRPC settings; null when gRPC is off
   * @param http OTLP/HTTP settings; null when HTTP is off
   */
  public record Protocols(GrpcSettings grpc, HttpSettings http) {}

  @Override
  public void validate() {
    if (protocols.grpc() == null && protocols.http() == null) {
      throw new InvalidConfigException(
          "protocols", "must enable at least one protocol: grpc, http or both");
    }
    if (protocols.grpc() != null) {
      protocols.grpc().validate("protocols.grpc.");
    }
    if (protocols.http() != null) {
      protocols.http().validate("protocols.http.");
    }
  }
}
