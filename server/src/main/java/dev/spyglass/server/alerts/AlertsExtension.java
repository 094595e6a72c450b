package dev.spyglass.server.alerts;

import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Extension;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.query.alerts.Alerts;
import dev.spyglass.query.alerts.RuleGroup;
import dev.spyglass.storage.StorageComponent;
import dev.spyglass.storage.StorageProvider;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the alert rules of {@link AlertsConfig}: reads the store, notifies, keeps state. The API
 * extension serves them at {@code /api/v1/rules} and {@code /api/v1/alerts}.
 */
public final class AlertsExtension implements Extension {
  private final ComponentSettings settings;
  private final AlertsConfig config;
  private volatile Alerts alerts;
  private ScheduledExecutorService waiting;
  private volatile boolean warned;
  private boolean stopped;

  AlertsExtension(ComponentSettings settings, AlertsConfig config) {
    this.settings = settings;
    this.config = config;
  }

  @Override
  public void start(Host host) {
    List<RuleGroup> groups = config.groups();
    // Extensions start before exporters: rules begin once the store they read has opened.
    waiting =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("alerts-start").daemon().factory());
    long since = System.nanoTime();
    waiting.scheduleWithFixedDelay(
        () -> {
          Optional<StorageComponent> store = storage(host);
          if (store.isPresent()) {
            begin(host, store.get(), groups);
            waiting.shutdown();
          } else if (System.nanoTime() - since > 30_000_000_000L && !warned) {
            warned = true;
            settings.logger().warn("alerts wait for the store {} to open", config.storage());
          }
        },
        0,
        100,
        TimeUnit.MILLISECONDS);
  }

  private synchronized void begin(Host host, StorageComponent store, List<RuleGroup> groups) {
    if (stopped) {
      return;
    }
    Optional<Path> stateFile =
        config.stateFile() == null || config.stateFile().isBlank()
            ? store.directory().map(d -> d.resolve("alerts").resolve("state.json"))
            : Optional.of(Path.of(config.stateFile()));
    if (stateFile.isEmpty()) {
      settings
          .logger()
          .warn(
              "the store keeps no local directory and state_file is not set: alert state is lost at restart");
    }
    Alerts engine =
        Alerts.create(
            new Alerts.Settings(
                config.queryTimeout(),
                config.resendDelay(),
                config.externalUrl(),
                AlertsConfig.receivers(config.alertmanagers(), "alertmanagers"),
                AlertsConfig.receivers(config.webhooks(), "webhooks"),
                stateFile),
            groups,
            // A closing or failed store is no answer: rules keep their state rather than resolve.
            () -> storage(host).filter(s -> s.check().ready()).map(StorageComponent::reader),
            new AlertHistory(
                () -> storage(host).map(StorageComponent::consumer), settings.logger()),
            settings.meter(),
            settings.logger(),
            AlertsExtension::now);
    engine.start();
    alerts = engine;
    settings
        .logger()
        .info(
            "alerts: {} rules in {} groups from {}",
            groups.stream().mapToInt(g -> g.rules().size()).sum(),
            groups.size(),
            config.ruleFiles());
  }

  private Optional<StorageComponent> storage(Host host) {
    return StorageProvider.of(host, config.storageId());
  }

  /** The running rules; empty before start. */
  public Optional<Alerts> alerts() {
    return Optional.ofNullable(alerts);
  }

  @Override
  public synchronized void shutdown() {
    stopped = true;
    if (waiting != null) {
      waiting.shutdownNow();
    }
    Alerts engine = alerts;
    if (engine != null) {
      engine.close();
    }
  }

  private static long now() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
