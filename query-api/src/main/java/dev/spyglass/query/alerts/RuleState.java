package dev.spyglass.query.alerts;

import dev.spyglass.storage.InvalidQueryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rule's alert instances and health, and the state machine that moves them: inactive → pending
 * (until {@code for} has held) → firing → resolved (inactive), with {@code keep_firing_for}, as
 * Prometheus's alerting rules do. Resolved instances are kept 15 minutes so that the resolution
 * reaches Alertmanager even if a send fails.
 */
final class RuleState {
  /** How long a resolved instance is kept for resending. */
  static final long RESOLVED_RETENTION_NANOS = 15 * 60 * 1_000_000_000L;

  final AlertRule rule;
  final String group;
  private final Map<Labels, Alert> alerts = new LinkedHashMap<>();
  private String health = "unknown";
  private String lastError = "";
  private long lastEvaluationNanos;
  private double evaluationSeconds;

  RuleState(AlertRule rule, String group) {
    this.rule = rule;
    this.group = group;
  }

  /** What the API shows of a rule. */
  record Snapshot(
      AlertRule rule,
      String health,
      String lastError,
      long lastEvaluationNanos,
      double evaluationSeconds,
      List<Alert> alerts) {}

  /** True when the last evaluation failed. */
  synchronized boolean failing() {
    return health.equals("err");
  }

  synchronized Snapshot snapshot() {
    List<Alert> copies = new ArrayList<>();
    for (Alert alert : alerts.values()) {
      copies.add(alert.copy());
    }
    return new Snapshot(rule, health, lastError, lastEvaluationNanos, evaluationSeconds, copies);
  }

  /**
   * Evaluates the rule at {@code context.nowNanos()} and moves its instances.
   *
   * @param limit the most instances allowed (0 for no limit)
   * @return the state changes, oldest first
   */
  synchronized List<StateChange> evaluate(Expression.Context context, int limit) {
    long started = System.nanoTime();
    long now = context.nowNanos();
    List<StateChange> changes = new ArrayList<>();
    try {
      Expression.Outcome outcome = rule.expression().run(context);
      if (limit > 0 && outcome.samples().size() > limit) {
        throw new Expression.EvaluationException(
            outcome.samples().size() + " alert instances exceed the group's limit of " + limit);
      }
      health = "ok";
      lastError = "";
      if (outcome.noData()) {
        switch (rule.noData()) {
          case OK -> move(List.of(), now, changes);
          case ALERTING ->
              move(List.of(new Expression.Sample(Labels.EMPTY, Double.NaN)), now, changes);
          case NO_DATA -> move(List.of(special("DatasourceNoData")), now, changes);
          case KEEP_LAST -> {}
        }
      } else {
        move(outcome.samples(), now, changes);
      }
    } catch (Expression.EvaluationException
        | InvalidQueryException
        | IOException
        | UncheckedIOException e) {
      failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), now, changes);
    } catch (RuntimeException e) {
      failed("evaluation failed: " + e, now, changes);
    } finally {
      lastEvaluationNanos = now;
      evaluationSeconds = (System.nanoTime() - started) / 1e9;
    }
    return changes;
  }

  /** Records a failed evaluation; what happens to the instances is the rule's {@code onError}. */
  synchronized List<StateChange> failed(String error, long now, List<StateChange> changes) {
    health = "err";
    lastError = error;
    switch (rule.onError()) {
      case KEEP_LAST -> {}
      case OK -> move(List.of(), now, changes);
      case ALERTING -> move(List.of(new Expression.Sample(Labels.EMPTY, Double.NaN)), now, changes);
      case ERROR -> move(List.of(special("DatasourceError")), now, changes);
    }
    return changes;
  }

  /** Grafana's stand-in instance for no data or an error: its own alertname, the rule's name. */
  private Expression.Sample special(String alertname) {
    Map<String, String> labels = new HashMap<>();
    labels.put("alertname", alertname);
    labels.put("rulename", rule.name());
    return new Expression.Sample(Labels.of(labels), Double.NaN);
  }

  private void move(List<Expression.Sample> samples, long now, List<StateChange> changes) {
    Map<Labels, Alert> seen = new LinkedHashMap<>();
    for (Expression.Sample sample : samples) {
      Labels labels = instanceLabels(sample);
      Map<String, String> annotations = annotations(sample);
      Alert alert = alerts.get(labels);
      if (alert == null || alert.state == Alert.State.INACTIVE) {
        alert = new Alert(labels, annotations, Alert.State.PENDING, sample.value(), now);
        alerts.put(labels, alert);
      } else {
        alert.value = sample.value();
        alert.annotations = annotations;
      }
      alert.keepFiringSinceNanos = 0;
      seen.put(labels, alert);
    }
    for (Iterator<Alert> it = alerts.values().iterator(); it.hasNext(); ) {
      Alert alert = it.next();
      if (seen.containsKey(alert.labels)) {
        continue;
      }
      switch (alert.state) {
        case PENDING -> {
          it.remove();
          changes.add(change(alert, "pending", "inactive", now));
        }
        case INACTIVE -> {
          if (now - alert.resolvedAtNanos >= RESOLVED_RETENTION_NANOS) {
            it.remove();
          }
        }
        case FIRING -> {
          long keep = rule.keepFiringFor().toNanos();
          if (keep > 0) {
            if (alert.keepFiringSinceNanos == 0) {
              alert.keepFiringSinceNanos = now;
            }
            if (now - alert.keepFiringSinceNanos < keep) {
              continue;
            }
          }
          alert.state = Alert.State.INACTIVE;
          alert.resolvedAtNanos = now;
          alert.keepFiringSinceNanos = 0;
          changes.add(change(alert, "firing", "inactive", now));
        }
      }
    }
    long forNanos = rule.forDuration().toNanos();
    for (Alert alert : seen.values()) {
      if (alert.state == Alert.State.PENDING && now - alert.activeAtNanos >= forNanos) {
        alert.state = Alert.State.FIRING;
        alert.firedAtNanos = now;
        changes.add(
            change(alert, alert.activeAtNanos == now ? "inactive" : "pending", "firing", now));
      } else if (alert.state == Alert.State.PENDING && alert.activeAtNanos == now) {
        changes.add(change(alert, "inactive", "pending", now));
      }
    }
  }

  private Labels instanceLabels(Expression.Sample sample) {
    Map<String, String> added = new HashMap<>();
    for (Map.Entry<String, Template> label : rule.labels().entrySet()) {
      added.put(label.getKey(), label.getValue().render(sample.labels().map(), sample.value()));
    }
    // A stand-in for no data or an error keeps its own alertname (Grafana's DatasourceNoData).
    added.put("alertname", sample.labels().map().getOrDefault("alertname", rule.name()));
    return sample.labels().with(added);
  }

  private Map<String, String> annotations(Expression.Sample sample) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (Map.Entry<String, Template> annotation : rule.annotations().entrySet()) {
      out.put(
          annotation.getKey(), annotation.getValue().render(sample.labels().map(), sample.value()));
    }
    if (!lastError.isEmpty() && sample.labels().map().containsKey("rulename")) {
      out.put("error", lastError);
    }
    return out;
  }

  private StateChange change(Alert alert, String from, String to, long now) {
    return new StateChange(
        group, rule.name(), alert.labels, alert.annotations, from, to, alert.value, now);
  }

  /** The instances that must go to Alertmanager now; marks them sent. */
  synchronized List<Alert> toSend(long now, long resendDelayNanos, long validForNanos) {
    List<Alert> out = new ArrayList<>();
    for (Alert alert : alerts.values()) {
      if (alert.needsSending(now, resendDelayNanos)) {
        alert.lastSentAtNanos = now;
        alert.validUntilNanos = now + validForNanos;
        out.add(alert.copy());
      }
    }
    return out;
  }

  /** Puts back instances saved before a restart. */
  synchronized void restore(List<Alert> saved) {
    for (Alert alert : saved) {
      alerts.put(alert.labels, alert);
    }
  }

  /** Copies of every instance, for saving. */
  synchronized List<Alert> instances() {
    return alerts.values().stream().map(Alert::copy).toList();
  }
}
