package dev.spyglass.query.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells the receivers about a rule's instances after each evaluation. Alertmanagers get what
 * Prometheus sends them ({@code POST /api/v2/alerts}: firing instances every resend delay, with an
 * {@code endsAt} four delays ahead so that a missed resend does not resolve them; a resolution
 * once, with its time). Webhooks get Alertmanager's webhook payload (version 4), one group per
 * rule: when an instance starts firing or resolves, and again every repeat interval while any
 * fires.
 */
final class Notifications {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NOT_ENDED = "0001-01-01T00:00:00Z";

  /** What a webhook was last told about one group. */
  record Notified(List<String> fingerprints, long atNanos) {
    Notified {
      fingerprints = List.copyOf(fingerprints);
    }
  }

  private final List<Sender> alertmanagers;
  private final List<Sender> webhooks;
  private final String externalUrl;
  private final long resendDelayNanos;
  private final Map<String, Map<String, Notified>> notified = new ConcurrentHashMap<>();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  Notifications(
      List<Sender> alertmanagers,
      List<Sender> webhooks,
      String externalUrl,
      long resendDelayNanos) {
    this.alertmanagers = List.copyOf(alertmanagers);
    this.webhooks = List.copyOf(webhooks);
    this.externalUrl = externalUrl.replaceAll("/+$", "");
    this.resendDelayNanos = resendDelayNanos;
  }

  /**
   * What each webhook was told, by webhook and group key: saved with the alert state (a delivery
   * that completes after one save is in the next, at the latest at close).
   */
  Map<String, Map<String, Notified>> notified() {
    Map<String, Map<String, Notified>> copy = new TreeMap<>();
    notified.forEach((name, groups) -> copy.put(name, new TreeMap<>(groups)));
    return copy;
  }

  void restore(Map<String, Map<String, Notified>> saved) {
    saved.forEach((name, groups) -> notified.put(name, new ConcurrentHashMap<>(groups)));
  }

  /** Sends what {@code rule}'s last evaluation at {@code now} calls for. */
  void afterEvaluation(RuleState rule, long intervalNanos, long now) {
    if (!alertmanagers.isEmpty()) {
      long validFor = 4 * Math.max(resendDelayNanos, intervalNanos);
      List<Alert> due = rule.toSend(now, resendDelayNanos, validFor);
      if (!due.isEmpty()) {
        byte[] body = alertmanagerBody(rule.rule, due);
        for (Sender alertmanager : alertmanagers) {
          alertmanager.post("/api/v2/alerts", body);
        }
      }
    }
    for (Sender webhook : webhooks) {
      webhook(webhook, rule, now);
    }
  }

  private byte[] alertmanagerBody(AlertRule rule, List<Alert> alerts) {
    ArrayNode body = JSON.createArrayNode();
    for (Alert alert : alerts) {
      ObjectNode out = body.addObject();
      out.set("labels", JSON.valueToTree(alert.labels.map()));
      out.set("annotations", JSON.valueToTree(alert.annotations));
      out.put("startsAt", time(alert.firedAtNanos));
      out.put(
          "endsAt",
          time(alert.resolvedAtNanos != 0 ? alert.resolvedAtNanos : alert.validUntilNanos));
      out.put("generatorURL", generatorUrl(rule));
    }
    return bytes(body);
  }

  private void webhook(Sender webhook, RuleState rule, long now) {
    String name = webhook.receiver().name();
    String groupKey = "{}:{alertname=\"" + rule.rule.name() + "\"}";
    String flightKey = name + "\u0000" + rule.group + "\u0000" + groupKey;
    Map<String, Notified> groups = notified.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
    String stateKey = rule.group + "/" + groupKey;
    Notified last = groups.getOrDefault(stateKey, new Notified(List.of(), 0));
    List<Alert> firing = new ArrayList<>();
    List<Alert> resolved = new ArrayList<>();
    for (Alert alert : rule.snapshot().alerts()) {
      if (alert.state == Alert.State.FIRING) {
        firing.add(alert);
      } else if (alert.state == Alert.State.INACTIVE
          && alert.resolvedAtNanos > last.atNanos()
          && last.fingerprints().contains(alert.labels.fingerprint())) {
        resolved.add(alert);
      }
    }
    Set<String> fingerprints = new TreeSet<>();
    firing.forEach(alert -> fingerprints.add(alert.labels.fingerprint()));
    boolean changedSet = !fingerprints.equals(new TreeSet<>(last.fingerprints()));
    boolean repeat =
        !firing.isEmpty() && now - last.atNanos() >= webhook.receiver().repeatInterval().toNanos();
    if (!(changedSet && (!firing.isEmpty() || !resolved.isEmpty())) && !repeat) {
      if (changedSet && firing.isEmpty()) {
        groups.put(stateKey, new Notified(List.of(), now)); // resolved before it was sent
      }
      return;
    }
    if (!inFlight.add(flightKey)) {
      return; // the last notification of this group is still on its way
    }
    byte[] body = webhookBody(name, groupKey, rule.rule, firing, resolved);
    webhook
        .post("", body)
        .thenAccept(
            ok -> {
              if (ok) {
                groups.put(stateKey, new Notified(List.copyOf(fingerprints), now));
              }
              inFlight.remove(flightKey);
            });
  }

  private byte[] webhookBody(
      String receiver, String groupKey, AlertRule rule, List<Alert> firing, List<Alert> resolved) {
    List<Alert> all = new ArrayList<>(firing);
    all.addAll(resolved);
    ObjectNode body = JSON.createObjectNode();
    body.put("version", "4");
    body.put("groupKey", groupKey);
    body.put("truncatedAlerts", 0);
    body.put("status", firing.isEmpty() ? "resolved" : "firing");
    body.put("receiver", receiver);
    body.set("groupLabels", JSON.valueToTree(Map.of("alertname", rule.name())));
    body.set("commonLabels", JSON.valueToTree(common(all, true)));
    body.set("commonAnnotations", JSON.valueToTree(common(all, false)));
    body.put("externalURL", externalUrl);
    ArrayNode alerts = body.putArray("alerts");
    for (Alert alert : all) {
      ObjectNode out = alerts.addObject();
      boolean isFiring = alert.state == Alert.State.FIRING;
      out.put("status", isFiring ? "firing" : "resolved");
      out.set("labels", JSON.valueToTree(alert.labels.map()));
      out.set("annotations", JSON.valueToTree(alert.annotations));
      out.put("startsAt", time(alert.firedAtNanos));
      out.put("endsAt", isFiring ? NOT_ENDED : time(alert.resolvedAtNanos));
      out.put("generatorURL", generatorUrl(rule));
      out.put("fingerprint", alert.labels.fingerprint());
    }
    return bytes(body);
  }

  private static Map<String, String> common(List<Alert> alerts, boolean labels) {
    Map<String, String> common = null;
    for (Alert alert : alerts) {
      Map<String, String> these = labels ? alert.labels.map() : alert.annotations;
      if (common == null) {
        common = new TreeMap<>(these);
      } else {
        common.entrySet().removeIf(e -> !e.getValue().equals(these.get(e.getKey())));
      }
    }
    return common == null ? Map.of() : common;
  }

  private String generatorUrl(AlertRule rule) {
    return externalUrl + "/alerts?rule=" + URLEncoder.encode(rule.name(), StandardCharsets.UTF_8);
  }

  static String time(long nanos) {
    return Instant.ofEpochSecond(
            Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))
        .toString();
  }

  private static byte[] bytes(Object node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
