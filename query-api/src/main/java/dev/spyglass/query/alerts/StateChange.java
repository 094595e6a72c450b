package dev.spyglass.query.alerts;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * An alert instance moving from one state to another: written to the store as a log record so that
 * alert history is searchable ({@code event.name:alert.state_change}).
 *
 * @param group the rule group
 * @param rule the alert name
 * @param labels the instance's labels
 * @param annotations the instance's annotations at the change
 * @param from {@code inactive}, {@code pending} or {@code firing}
 * @param to the same; {@code inactive} after {@code firing} is a resolution
 * @param value the expression's value at the change (NaN for none)
 * @param atNanos when (Unix epoch ns)
 */
public record StateChange(
    String group,
    String rule,
    Labels labels,
    Map<String, String> annotations,
    String from,
    String to,
    double value,
    long atNanos) {
  public StateChange {
    requireNonNull(group, "group");
    requireNonNull(rule, "rule");
    requireNonNull(labels, "labels");
    annotations = Map.copyOf(annotations);
    requireNonNull(from, "from");
    requireNonNull(to, "to");
  }

  /** True for firing → inactive. */
  public boolean resolved() {
    return from.equals("firing") && to.equals("inactive");
  }
}
