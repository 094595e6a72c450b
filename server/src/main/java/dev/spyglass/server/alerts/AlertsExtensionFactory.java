package dev.spyglass.server.alerts;

import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Extension;
import dev.spyglass.pipeline.component.ExtensionFactory;
import java.time.Duration;
import java.util.List;

/** The {@code alerts} extension: alert rules over logs, spans and metrics (docs/alerts.md). */
public final class AlertsExtensionFactory implements ExtensionFactory<AlertsConfig> {
  @Override
  public String type() {
    return "alerts";
  }

  @Override
  public Class<AlertsConfig> configType() {
    return AlertsConfig.class;
  }

  @Override
  public AlertsConfig defaultConfig() {
    return new AlertsConfig(
        List.of(),
        Duration.ofMinutes(1),
        "spyglass",
        Duration.ofSeconds(10),
        Duration.ofMinutes(1),
        "http://127.0.0.1:8686",
        "",
        List.of(),
        List.of());
  }

  @Override
  public Extension create(ComponentSettings settings, AlertsConfig config) {
    return new AlertsExtension(settings, config);
  }
}
