package dev.spyglass.query.alerts;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * A group of a rule file: its rules are evaluated one after another, every {@code interval}, and a
 * run never overlaps the one before.
 *
 * @param name unique within its file
 * @param file the rule file it came from, as the configuration names it
 * @param interval how often the group runs
 * @param limit the most alert instances one rule may have; past it the evaluation fails. 0 for no
 *     limit
 */
public record RuleGroup(
    String name, String file, Duration interval, int limit, List<AlertRule> rules) {
  public RuleGroup {
    requireNonNull(name, "name");
    requireNonNull(file, "file");
    requireNonNull(interval, "interval");
    rules = List.copyOf(rules);
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("a group's interval must be positive");
    }
  }
}
