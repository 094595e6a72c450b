package dev.spyglass.server.api;

import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Endpoint;
import dev.spyglass.pipeline.component.Extension;
import dev.spyglass.pipeline.component.ExtensionFactory;
import dev.spyglass.server.telemetry.SelfTelemetry;
import java.util.Optional;

/**
 * The {@code api} extension: Spyglass's HTTP API port, serving {@code /healthz} and {@code /readyz}
 * , the query API and, when Spyglass runs with its self-telemetry, {@code /metrics}.
 */
public final class ApiExtensionFactory implements ExtensionFactory<ApiConfig> {
  private final Optional<SelfTelemetry> selfTelemetry;

  /** Without {@code /metrics} (components record into a no-op meter provider). */
  public ApiExtensionFactory() {
    this(Optional.empty());
  }

  /** Serving {@code selfTelemetry} at {@code /metrics}. */
  public ApiExtensionFactory(Optional<SelfTelemetry> selfTelemetry) {
    this.selfTelemetry = selfTelemetry;
  }

  @Override
  public String type() {
    return "api";
  }

  @Override
  public Class<ApiConfig> configType() {
    return ApiConfig.class;
  }

  @Override
  public ApiConfig defaultConfig() {
    return new ApiConfig(new Endpoint("127.0.0.1", 8686));
  }

  @Override
  public Extension create(ComponentSettings settings, ApiConfig config) {
    return new ApiExtension(settings, config, selfTelemetry);
  }
}
