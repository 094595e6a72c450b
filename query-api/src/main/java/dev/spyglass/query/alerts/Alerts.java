package dev.spyglass.query.alerts;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.client.ClientFactory;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.TelemetryReader;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Evaluates rule groups on their intervals, moves alert instances through their states, notifies
 * Alertmanagers and webhooks, writes every state change to the store's history, and keeps the state
 * across restarts (docs/adr/0017). A group's runs never overlap: a run that outlasts its interval
 * makes the next ones missed (counted), and every evaluation is bounded by the query deadline.
 */
public final class Alerts implements AutoCloseable {
  private static final AttributeKey<String> GROUP = AttributeKey.stringKey("rule_group");

  /**
   * How alerts run.
   *
   * @param queryTimeout the most one rule's evaluation may take (and never more than its group's
   *     interval)
   * @param resendDelay how often a firing instance is sent to Alertmanager again; Prometheus's
   *     {@code --rules.alert.resend-delay}, default 1m
   * @param externalUrl where the UI is, for the notifications' links
   * @param alertmanagers Alertmanagers to push to
   * @param webhooks webhooks to send Alertmanager's webhook payload to
   * @param stateFile where the state is kept; empty keeps none
   */
  public record Settings(
      Duration queryTimeout,
      Duration resendDelay,
      String externalUrl,
      List<Receiver> alertmanagers,
      List<Receiver> webhooks,
      Optional<Path> stateFile) {
    public Settings {
      requireNonNull(queryTimeout, "queryTimeout");
      requireNonNull(resendDelay, "resendDelay");
      requireNonNull(externalUrl, "externalUrl");
      alertmanagers = List.copyOf(alertmanagers);
      webhooks = List.copyOf(webhooks);
      requireNonNull(stateFile, "stateFile");
    }
  }

  /** Where state changes go: the store, as log records. */
  public interface History {
    /** Records {@code changes}; must not block for long. */
    void record(List<StateChange> changes);
  }

  /** What the API shows of a group. */
  public record GroupView(RuleGroup group, long lastEvaluationNanos, double evaluationSeconds) {}

  private final Settings settings;
  private final List<RuleGroup> groups;
  private final Map<RuleGroup, List<RuleState>> states = new java.util.LinkedHashMap<>();
  private final Map<RuleGroup, long[]> groupTimes = new java.util.concurrent.ConcurrentHashMap<>();
  private final Supplier<Optional<TelemetryReader>> reader;
  private final History history;
  private final Logger log;
  private final LongSupplier clock;
  private final ClientFactory clients;
  private final Notifications notifications;
  private final Optional<StateFile> stateFile;
  private final LongCounter evaluations;
  private final LongCounter failures;
  private final LongCounter missed;
  private final DoubleHistogram duration;
  private volatile ScheduledExecutorService scheduler;

  private Alerts(
      Settings settings,
      List<RuleGroup> groups,
      Supplier<Optional<TelemetryReader>> reader,
      History history,
      Meter meter,
      Logger log,
      LongSupplier clock) {
    this.settings = settings;
    this.groups = List.copyOf(groups);
    this.reader = reader;
    this.history = history;
    this.log = log;
    this.clock = clock;
    for (RuleGroup group : groups) {
      List<RuleState> rules = new ArrayList<>();
      for (AlertRule rule : group.rules()) {
        rules.add(new RuleState(rule, group.name()));
      }
      states.put(group, rules);
    }
    this.clients = ClientFactory.builder().build();
    this.notifications =
        new Notifications(
            settings.alertmanagers().stream().map(r -> new Sender(r, clients, meter, log)).toList(),
            settings.webhooks().stream().map(r -> new Sender(r, clients, meter, log)).toList(),
            settings.externalUrl(),
            settings.resendDelay().toNanos());
    this.stateFile = settings.stateFile().map(path -> new StateFile(path, log));
    this.evaluations =
        meter
            .counterBuilder("spyglass_alerts_rule_evaluations")
            .setDescription("Rule evaluations")
            .build();
    this.failures =
        meter
            .counterBuilder("spyglass_alerts_rule_evaluation_failures")
            .setDescription("Rule evaluations that failed (store unavailable, deadline, bad query)")
            .build();
    this.missed =
        meter
            .counterBuilder("spyglass_alerts_rule_group_iterations_missed")
            .setDescription("Group runs skipped because the run before outlasted its interval")
            .build();
    this.duration =
        meter
            .histogramBuilder("spyglass_alerts_rule_group_duration")
            .setUnit("s")
            .setDescription("Time one run of a rule group took")
            .build();
    meter
        .gaugeBuilder("spyglass_alerts_firing")
        .ofLongs()
        .setDescription("Alert instances firing now")
        .buildWithCallback(gauge -> gauge.record(count(Alert.State.FIRING)));
    meter
        .gaugeBuilder("spyglass_alerts_pending")
        .ofLongs()
        .setDescription("Alert instances pending now")
        .buildWithCallback(gauge -> gauge.record(count(Alert.State.PENDING)));
  }

  /**
   * Alerts over {@code groups}, reading from {@code reader} (asked at each evaluation: the store
   * may open later) at the wall-clock time {@code clock} gives (Unix epoch ns).
   */
  public static Alerts create(
      Settings settings,
      List<RuleGroup> groups,
      Supplier<Optional<TelemetryReader>> reader,
      History history,
      Meter meter,
      Logger log,
      LongSupplier clock) {
    return new Alerts(settings, groups, reader, history, meter, log, clock);
  }

  /** Puts back the state saved before a restart, and starts evaluating every group. */
  public synchronized void start() {
    restore();
    scheduler =
        Executors.newScheduledThreadPool(
            Math.max(1, Math.min(4, groups.size())),
            Thread.ofPlatform().name("alerts-", 0).daemon().factory());
    for (RuleGroup group : groups) {
      long interval = group.interval().toNanos();
      // Spread groups over their interval, as Prometheus does, so they do not all run at once.
      long offset = Math.floorMod((long) group.name().hashCode(), interval);
      long first = Math.floorMod(offset - Math.floorMod(clock.getAsLong(), interval), interval);
      scheduler.schedule(() -> loop(group, System.nanoTime() + first), first, TimeUnit.NANOSECONDS);
    }
  }

  private void loop(RuleGroup group, long scheduledAt) {
    try {
      evaluate(group, clock.getAsLong());
    } catch (RuntimeException e) {
      log.error("rule group {} failed: {}", group.name(), e.toString(), e);
    }
    long interval = group.interval().toNanos();
    long next = scheduledAt + interval;
    long now = System.nanoTime();
    if (now - next > 0) {
      long skipped = (now - next) / interval + 1;
      missed.add(skipped, Attributes.of(GROUP, group.name()));
      next += skipped * interval;
      log.warn(
          "rule group {} took longer than its interval {}; {} runs skipped",
          group.name(),
          PromDuration.format(group.interval()),
          skipped);
    }
    ScheduledExecutorService running = scheduler;
    if (running != null && !running.isShutdown()) {
      long at = next;
      try {
        running.schedule(() -> loop(group, at), at - now, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // shutting down
      }
    }
  }

  /** Runs every rule of {@code group} once at {@code nowNanos}; the state changes, oldest first. */
  List<StateChange> evaluate(RuleGroup group, long nowNanos) {
    long started = System.nanoTime();
    Attributes attributes = Attributes.of(GROUP, group.name());
    List<StateChange> changes = new ArrayList<>();
    Duration timeout =
        settings.queryTimeout().compareTo(group.interval()) < 0
            ? settings.queryTimeout()
            : group.interval();
    Optional<TelemetryReader> store = reader.get();
    for (RuleState rule : states.get(group)) {
      evaluations.add(1, attributes);
      List<StateChange> these;
      if (store.isEmpty()) {
        these = rule.failed("the store is not open or not ready", nowNanos, new ArrayList<>());
      } else {
        these =
            rule.evaluate(
                new Expression.Context(store.get(), nowNanos, Deadline.after(timeout)),
                group.limit());
      }
      if (rule.failing()) { // without copying every instance
        failures.add(1, attributes);
      }
      changes.addAll(these);
      notifications.afterEvaluation(rule, group.interval().toNanos(), nowNanos);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    duration.record(seconds, attributes);
    groupTimes.put(group, new long[] {nowNanos, Double.doubleToLongBits(seconds)});
    if (!changes.isEmpty()) {
      try {
        history.record(changes);
      } catch (RuntimeException e) {
        log.warn("alert history not written: {}", e.toString());
      }
    }
    save();
    return changes;
  }

  /** The groups, as loaded, with when each last ran. */
  public List<GroupView> groups() {
    List<GroupView> out = new ArrayList<>();
    for (RuleGroup group : groups) {
      long[] times = groupTimes.getOrDefault(group, new long[] {0, 0});
      out.add(new GroupView(group, times[0], Double.longBitsToDouble(times[1])));
    }
    return out;
  }

  /** Every rule of {@code group} as it stands. */
  List<RuleState.Snapshot> rules(RuleGroup group) {
    return states.getOrDefault(group, List.of()).stream().map(RuleState::snapshot).toList();
  }

  private long count(Alert.State state) {
    long count = 0;
    for (List<RuleState> rules : states.values()) {
      for (RuleState rule : rules) {
        count += rule.snapshot().alerts().stream().filter(a -> a.state == state).count();
      }
    }
    return count;
  }

  private void restore() {
    Optional<StateFile.Saved> saved = stateFile.flatMap(StateFile::read);
    if (saved.isEmpty()) {
      return;
    }
    Map<String, StateFile.SavedRule> byKey = new HashMap<>();
    for (StateFile.SavedRule rule : saved.get().rules()) {
      byKey.put(rule.key(), rule);
    }
    int restored = 0;
    for (Map.Entry<RuleGroup, List<RuleState>> group : states.entrySet()) {
      for (RuleState rule : group.getValue()) {
        StateFile.SavedRule these = byKey.get(StateFile.key(group.getKey(), rule.rule));
        if (these != null) {
          rule.restore(these.alerts().stream().map(StateFile.SavedAlert::toAlert).toList());
          restored += these.alerts().size();
        }
      }
    }
    if (saved.get().webhooks() != null) {
      notifications.restore(saved.get().webhooks());
    }
    log.info("restored {} alert instances from {}", restored, stateFile.get().path());
  }

  private synchronized void save() {
    if (stateFile.isEmpty()) {
      return;
    }
    List<StateFile.SavedRule> rules = new ArrayList<>();
    for (Map.Entry<RuleGroup, List<RuleState>> group : states.entrySet()) {
      for (RuleState rule : group.getValue()) {
        rules.add(
            new StateFile.SavedRule(
                StateFile.key(group.getKey(), rule.rule),
                rule.instances().stream().map(StateFile.SavedAlert::of).toList()));
      }
    }
    try {
      stateFile
          .get()
          .write(new StateFile.Saved(1, clock.getAsLong(), rules, notifications.notified()));
    } catch (IOException e) {
      log.warn("alert state not saved to {}: {}", stateFile.get().path(), e.toString());
    }
  }

  /** Stops evaluating, saves the state and closes the receivers' connections. */
  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      scheduler = null;
    }
    save();
    clients.closeAsync();
  }
}
