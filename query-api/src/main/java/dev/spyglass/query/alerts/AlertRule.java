package dev.spyglass.query.alerts;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;

/**
 * One alerting rule of a rule file, as Prometheus defines it, with Grafana's no-data and error
 * behaviour.
 *
 * @param name the {@code alert} name; every instance carries it as label {@code alertname}
 * @param expression the parsed {@code expr}
 * @param expressionText {@code expr} as written
 * @param forDuration how long a group must break the threshold before it fires; zero fires at once
 * @param keepFiringFor how long a firing instance keeps firing after its group stopped breaking the
 *     threshold; zero for none
 * @param labels added to every instance (templates; they win over the group's labels)
 * @param annotations templates filled per instance with {@code $labels} and {@code $value}
 * @param noData what the rule does when its expression has no group at all
 * @param onError what the rule does when an evaluation fails
 */
public record AlertRule(
    String name,
    Expression expression,
    String expressionText,
    Duration forDuration,
    Duration keepFiringFor,
    Map<String, Template> labels,
    Map<String, Template> annotations,
    NoData noData,
    OnError onError) {

  /** What a rule does when its expression has no group at all ({@code no_data_state}). */
  public enum NoData {
    /** Nothing fires and what fired resolves, as Prometheus does (the default). */
    OK,
    /** One instance with the rule's own labels fires. */
    ALERTING,
    /** An instance {@code alertname=DatasourceNoData, rulename=<alert>} fires, as Grafana does. */
    NO_DATA,
    /** Instances stay as they are. */
    KEEP_LAST
  }

  /** What a rule does when an evaluation fails ({@code exec_err_state}). */
  public enum OnError {
    /** Instances stay as they are; the rule reports health {@code err} (the default). */
    KEEP_LAST,
    /** An instance {@code alertname=DatasourceError, rulename=<alert>} fires, as Grafana does. */
    ERROR,
    /** One instance with the rule's own labels fires. */
    ALERTING,
    /** What fired resolves. */
    OK
  }

  public AlertRule {
    requireNonNull(name, "name");
    requireNonNull(expression, "expression");
    requireNonNull(expressionText, "expressionText");
    requireNonNull(forDuration, "forDuration");
    requireNonNull(keepFiringFor, "keepFiringFor");
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    requireNonNull(noData, "noData");
    requireNonNull(onError, "onError");
  }
}
