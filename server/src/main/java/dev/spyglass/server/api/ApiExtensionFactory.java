package dev.spyglass.server.api;

import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Endpoint;
import dev.spyglass.pipeline.component.Extension;
import dev.spyglass.pipeline.component.ExtensionFactory;

/**
 * The {@code api} extension: Spyglass's HTTP API port, serving {@code /healthz} and {@code /readyz}
 * (and, as they land, the query API and {@code /metrics}).
 */
public final class ApiExtensionFactory implements ExtensionFactory<ApiConfig> {

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
    return new ApiExtension(settings, config);
  }
}
