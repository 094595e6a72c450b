package dev.spyglass.server.alerts;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentReference;
import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.query.alerts.Receiver;
import dev.spyglass.query.alerts.RuleGroup;
import dev.spyglass.server.config.RuleFiles;
import dev.spyglass.storage.StorageFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of the {@code alerts} extension (docs/alerts.md).
 *
 * @param ruleFiles Prometheus-shaped rule files (a file name may be a glob), relative to the
 *     working directory; loaded and checked with the configuration
 * @param evaluationInterval how often a group without its own {@code interval} runs; default 1m
 * @param storage the store exporter rules read and history is written to; default {@code spyglass}
 * @param queryTimeout the most one rule's evaluation may take; default 10s (never more than its
 *     group's interval)
 * @param resendDelay how often firing alerts are sent to Alertmanager again; default 1m
 * @param externalUrl where users reach Spyglass's UI, for the links in notifications; default
 *     {@code http://127.0.0.1:8686}
 * @param stateFile where alert state is kept across restarts; default {@code alerts/state.json} in
 *     the store's directory
 * @param alertmanagers Alertmanagers to push alerts to ({@code url}: the base URL)
 * @param webhooks URLs sent Alertmanager's webhook payload (version 4) directly
 */
public record AlertsConfig(
    List<String> ruleFiles,
    Duration evaluationInterval,
    String storage,
    Duration queryTimeout,
    Duration resendDelay,
    String externalUrl,
    String stateFile,
    List<Target> alertmanagers,
    List<Target> webhooks)
    implements ComponentConfig {
  static final ComponentId DEFAULT_STORAGE = ComponentId.of("spyglass");

  /**
   * One receiver.
   *
   * @param name how telemetry and payloads name it; default its URL's host and port
   * @param url {@code http(s)://host:port/path}
   * @param timeout per attempt; default 10s
   * @param maxRetries attempts after the first on a 5xx, 429 or no answer; default 3
   * @param repeatInterval webhooks: how often a still-firing rule is notified again; default 4h
   */
  public record Target(
      String name, String url, Duration timeout, Integer maxRetries, Duration repeatInterval) {}

  public AlertsConfig {
    ruleFiles = ruleFiles == null ? List.of() : List.copyOf(ruleFiles);
    alertmanagers = alertmanagers == null ? List.of() : List.copyOf(alertmanagers);
    webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
  }

  @Override
  public void validate() {
    if (evaluationInterval.isNegative() || evaluationInterval.isZero()) {
      throw new InvalidConfigException("evaluation_interval", "must be positive");
    }
    if (queryTimeout.compareTo(Duration.ofMillis(1)) < 0) {
      throw new InvalidConfigException("query_timeout", "must be at least 1ms");
    }
    if (resendDelay.isNegative() || resendDelay.isZero()) {
      throw new InvalidConfigException("resend_delay", "must be positive");
    }
    try {
      ComponentId.parse(storage);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("storage", e.getMessage());
    }
    receivers(alertmanagers, "alertmanagers");
    receivers(webhooks, "webhooks");
    groups(); // rule files are checked with the configuration, errors naming their own lines
  }

  /** The rule groups of every rule file. */
  List<RuleGroup> groups() {
    return RuleFiles.load(ruleFiles, evaluationInterval);
  }

  /** The configured receivers, defaults filled in. */
  static List<Receiver> receivers(List<Target> targets, String key) {
    List<Receiver> out = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      Target target = targets.get(i);
      String at = key + "." + i;
      if (target == null || target.url() == null || target.url().isBlank()) {
        throw new InvalidConfigException(at + ".url", "is required, e.g. http://127.0.0.1:9093");
      }
      URI url;
      try {
        url = new URI(target.url());
      } catch (URISyntaxException e) {
        throw new InvalidConfigException(at + ".url", "not a URL: " + e.getMessage());
      }
      String name =
          target.name() == null || target.name().isBlank() ? url.getAuthority() : target.name();
      try {
        out.add(
            new Receiver(
                name == null ? target.url() : name,
                url,
                target.timeout() == null ? Duration.ofSeconds(10) : target.timeout(),
                target.maxRetries() == null ? 3 : target.maxRetries(),
                target.repeatInterval() == null ? Duration.ofHours(4) : target.repeatInterval()));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(at, e.getMessage());
      }
    }
    return out;
  }

  /** The store exporter named by {@code storage}. */
  ComponentId storageId() {
    return ComponentId.parse(storage);
  }

  @Override
  public List<ComponentReference> references() {
    return List.of(
        new ComponentReference(
            "storage",
            ComponentKind.EXPORTER,
            storageId(),
            StorageFactory.class,
            "a store exporter (such as spyglass)"));
  }
}
