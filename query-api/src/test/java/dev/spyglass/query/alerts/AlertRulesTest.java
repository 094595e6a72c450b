package dev.spyglass.query.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.Measure;
import dev.spyglass.storage.MetricQuery;
import dev.spyglass.storage.MetricSeries;
import io.opentelemetry.api.metrics.MeterProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AlertRulesTest {
  private static final long S = 1_000_000_000L;
  private static final long T0 = 1_780_000_000L * S;

  private final CannedReader reader = new CannedReader();
  private final AtomicLong clock = new AtomicLong(T0);
  private final List<StateChange> history = new CopyOnWriteArrayList<>();

  private static AlertRule rule(String expr, Duration forDuration, Duration keepFiringFor) {
    return rule(expr, forDuration, keepFiringFor, AlertRule.NoData.OK, AlertRule.OnError.KEEP_LAST);
  }

  private static AlertRule rule(
      String expr,
      Duration forDuration,
      Duration keepFiringFor,
      AlertRule.NoData noData,
      AlertRule.OnError onError) {
    return new AlertRule(
        "HighErrors",
        ExpressionParser.parse(expr),
        expr,
        forDuration,
        keepFiringFor,
        Map.of("severity", Template.parse("page")),
        Map.of(
            "summary",
            Template.parse("{{ $labels.service_name }} logs {{ $value }} errors"),
            "ratio",
            Template.parse("{{ $value | humanizePercentage }}")),
        noData,
        onError);
  }

  private Alerts alerts(RuleGroup group, Optional<Path> state) {
    return Alerts.create(
        new Alerts.Settings(
            Duration.ofSeconds(5),
            Duration.ofMinutes(1),
            "http://127.0.0.1:8686",
            List.of(),
            List.of(),
            state),
        List.of(group),
        () -> Optional.of(reader),
        history::addAll,
        MeterProvider.noop().get("test"),
        LoggerFactory.getLogger("alerts"),
        clock::get);
  }

  private static RuleGroup group(AlertRule... rules) {
    return new RuleGroup("errors", "rules.yaml", Duration.ofSeconds(30), 0, List.of(rules));
  }

  private List<Alert> instances(Alerts alerts, RuleGroup group) {
    return alerts.rules(group).getFirst().alerts();
  }

  private void errorsPerService(double checkout, double cart) {
    Map<List<String>, double[]> groups = new java.util.LinkedHashMap<>();
    if (checkout >= 0) {
      groups.put(List.of("checkout"), new double[] {checkout});
    }
    if (cart >= 0) {
      groups.put(List.of("cart"), new double[] {cart});
    }
    reader.groups(groups);
  }

  @Test
  void logCountPerService_pendingUntilForHeld_thenFiring_thenResolved() {
    RuleGroup group =
        group(
            rule(
                "logs_count('severity_number:>=17')[5m] by (service.name) > 10",
                Duration.ofMinutes(2),
                Duration.ZERO));
    Alerts alerts = alerts(group, Optional.empty());
    errorsPerService(12, 3);

    alerts.evaluate(group, clock.get());
    assertThat(instances(alerts, group))
        .singleElement()
        .satisfies(
            alert -> {
              assertThat(alert.state).isEqualTo(Alert.State.PENDING);
              assertThat(alert.labels.map())
                  .containsExactlyInAnyOrderEntriesOf(
                      Map.of(
                          "alertname", "HighErrors",
                          "service_name", "checkout",
                          "severity", "page"));
              assertThat(alert.annotations)
                  .containsEntry("summary", "checkout logs 12 errors")
                  .containsEntry("ratio", "1200%");
            });
    AggregationRequest asked = (AggregationRequest) reader.requests.getFirst();
    assertThat(asked.signal()).isEqualTo(Signal.LOGS);
    assertThat(asked.query()).isEqualTo("severity_number:>=17");
    assertThat(asked.groupBy()).containsExactly("service.name");
    assertThat(asked.endNanos() - asked.startNanos() + 1).isEqualTo(300 * S);
    assertThat(asked.measures()).containsExactly(Measure.of(Measure.Function.COUNT));

    clock.addAndGet(60 * S);
    alerts.evaluate(group, clock.get());
    assertThat(instances(alerts, group).getFirst().state).isEqualTo(Alert.State.PENDING);

    clock.addAndGet(60 * S);
    alerts.evaluate(group, clock.get());
    Alert firing = instances(alerts, group).getFirst();
    assertThat(firing.state).isEqualTo(Alert.State.FIRING);
    assertThat(firing.activeAtNanos).isEqualTo(T0);
    assertThat(firing.firedAtNanos).isEqualTo(T0 + 120 * S);

    errorsPerService(2, 3);
    clock.addAndGet(30 * S);
    alerts.evaluate(group, clock.get());
    Alert resolved = instances(alerts, group).getFirst();
    assertThat(resolved.state).isEqualTo(Alert.State.INACTIVE);
    assertThat(resolved.resolvedAtNanos).isEqualTo(T0 + 150 * S);

    assertThat(history)
        .extracting(change -> change.from() + "→" + change.to())
        .containsExactly("inactive→pending", "pending→firing", "firing→inactive");
    assertThat(history.get(2).resolved()).isTrue();
    assertThat(history.get(1).annotations()).containsEntry("summary", "checkout logs 12 errors");
  }

  @Test
  void pendingThatStopsBreaking_goesBackToInactive_withoutFiring() {
    RuleGroup group =
        group(
            rule("logs_count()[5m] by (service.name) > 10", Duration.ofMinutes(5), Duration.ZERO));
    Alerts alerts = alerts(group, Optional.empty());
    errorsPerService(12, -1);
    alerts.evaluate(group, clock.get());
    errorsPerService(1, -1);
    alerts.evaluate(group, clock.addAndGet(30 * S));
    assertThat(instances(alerts, group)).isEmpty();
    assertThat(history).extracting(StateChange::to).containsExactly("pending", "inactive");
  }

  @Test
  void keepFiringFor_holdsAFlappingAlert_thenResolves() {
    RuleGroup group =
        group(
            rule("logs_count()[5m] by (service.name) > 10", Duration.ZERO, Duration.ofMinutes(2)));
    Alerts alerts = alerts(group, Optional.empty());
    errorsPerService(20, -1);
    alerts.evaluate(group, clock.get());
    assertThat(instances(alerts, group).getFirst().state).isEqualTo(Alert.State.FIRING);
    assertThat(history).extracting(StateChange::from).containsExactly("inactive");

    errorsPerService(5, -1);
    alerts.evaluate(group, clock.addAndGet(60 * S));
    Alert kept = instances(alerts, group).getFirst();
    assertThat(kept.state).isEqualTo(Alert.State.FIRING);
    assertThat(kept.keepFiringSinceNanos).isEqualTo(T0 + 60 * S);

    errorsPerService(30, -1); // breaks again: the keep-firing clock starts over
    alerts.evaluate(group, clock.addAndGet(60 * S));
    assertThat(instances(alerts, group).getFirst().keepFiringSinceNanos).isZero();

    errorsPerService(5, -1);
    alerts.evaluate(group, clock.addAndGet(60 * S));
    alerts.evaluate(group, clock.addAndGet(60 * S));
    assertThat(instances(alerts, group).getFirst().state).isEqualTo(Alert.State.FIRING);
    alerts.evaluate(group, clock.addAndGet(60 * S));
    assertThat(instances(alerts, group).getFirst().state).isEqualTo(Alert.State.INACTIVE);
    assertThat(history).extracting(StateChange::to).containsExactly("firing", "inactive");
  }

  @Test
  void noData_okByDefault_orGrafanasDatasourceNoData() {
    RuleGroup quiet =
        group(rule("error_ratio()[5m] by (service.name) > 0.05", Duration.ZERO, Duration.ZERO));
    Alerts prometheusLike = alerts(quiet, Optional.empty());
    prometheusLike.evaluate(quiet, clock.get());
    assertThat(instances(prometheusLike, quiet)).isEmpty();

    RuleGroup grafanaLike =
        group(
            rule(
                "error_ratio()[5m] by (service.name) > 0.05",
                Duration.ZERO,
                Duration.ZERO,
                AlertRule.NoData.NO_DATA,
                AlertRule.OnError.KEEP_LAST));
    Alerts alerts = alerts(grafanaLike, Optional.empty());
    alerts.evaluate(grafanaLike, clock.get());
    assertThat(instances(alerts, grafanaLike))
        .singleElement()
        .satisfies(
            alert -> {
              assertThat(alert.state).isEqualTo(Alert.State.FIRING);
              assertThat(alert.labels.map())
                  .containsEntry("alertname", "DatasourceNoData")
                  .containsEntry("rulename", "HighErrors")
                  .containsEntry("severity", "page");
            });

    // Data again, nothing breaking: the no-data instance resolves.
    reader.groups(Map.of(List.of("checkout"), new double[] {100, 1}));
    alerts.evaluate(grafanaLike, clock.addAndGet(30 * S));
    assertThat(instances(alerts, grafanaLike).getFirst().state).isEqualTo(Alert.State.INACTIVE);
  }

  @Test
  void aCountOfNothingIsZero_notNoData() {
    RuleGroup group =
        group(
            rule(
                "logs_count('body:timeout')[5m] < 1",
                Duration.ZERO,
                Duration.ZERO,
                AlertRule.NoData.NO_DATA,
                AlertRule.OnError.KEEP_LAST));
    Alerts alerts = alerts(group, Optional.empty());
    alerts.evaluate(group, clock.get());
    assertThat(instances(alerts, group))
        .singleElement()
        .satisfies(alert -> assertThat(alert.labels.get("alertname")).isEqualTo("HighErrors"));
  }

  @Test
  void errors_keepTheLastStateByDefault_orFireDatasourceError() {
    RuleGroup group =
        group(rule("logs_count()[5m] by (service.name) > 10", Duration.ZERO, Duration.ZERO));
    Alerts alerts = alerts(group, Optional.empty());
    errorsPerService(50, -1);
    alerts.evaluate(group, clock.get());
    reader.aggregations =
        request -> {
          throw new java.io.UncheckedIOException(new java.io.IOException("disk on fire"));
        };
    alerts.evaluate(group, clock.addAndGet(30 * S));
    RuleState.Snapshot rule = alerts.rules(group).getFirst();
    assertThat(rule.health()).isEqualTo("err");
    assertThat(rule.lastError()).contains("disk on fire");
    assertThat(rule.alerts())
        .singleElement()
        .satisfies(a -> assertThat(a.state).isEqualTo(Alert.State.FIRING));

    reader.aggregations = request -> new AggregationResult(9, 0, List.of(), true); // partial
    RuleGroup grafanaLike =
        group(
            rule(
                "logs_count()[5m] > 10",
                Duration.ZERO,
                Duration.ZERO,
                AlertRule.NoData.OK,
                AlertRule.OnError.ERROR));
    Alerts errors = alerts(grafanaLike, Optional.empty());
    errors.evaluate(grafanaLike, clock.get());
    assertThat(instances(errors, grafanaLike))
        .singleElement()
        .satisfies(
            alert -> {
              assertThat(alert.labels.get("alertname")).isEqualTo("DatasourceError");
              assertThat(alert.annotations.get("error")).contains("deadline");
            });
  }

  @Test
  void spansErrorRatioAndLatency_perServiceAndOperation() {
    reader.groups(
        Map.of(
            List.of("checkout", "POST /pay"), new double[] {200, 30},
            List.of("cart", "GET /cart"), new double[] {200, 1}));
    Expression ratio =
        ExpressionParser.parse("error_ratio('kind:2')[10m] by (service.name, name) > 5%");
    assertThat(run(ratio))
        .containsExactly(
            new Expression.Sample(
                Labels.of(Map.of("service_name", "checkout", "span_name", "POST /pay")), 0.15));

    reader.groups(Map.of(List.of("checkout"), new double[] {750_000_000}));
    Expression latency = ExpressionParser.parse("latency_p95()[5m] by (service.name) > 500ms");
    assertThat(run(latency))
        .containsExactly(
            new Expression.Sample(Labels.of(Map.of("service_name", "checkout")), 0.75));
    AggregationRequest asked = (AggregationRequest) reader.requests.getLast();
    assertThat(asked.signal()).isEqualTo(Signal.TRACES);
    assertThat(asked.measures()).containsExactly(new Measure(Measure.Function.P95, "duration"));
  }

  @Test
  void metricsArithmetic_hitRatioFromTwoRates_pairsGroupsByLabels() {
    reader.series =
        query -> {
          double[] values =
              query.name().equals("redis.keyspace.hits")
                  ? new double[] {70, 99}
                  : new double[] {30, 1};
          return new MetricSeries(
              List.of(
                  new MetricSeries.Series(
                      List.of("a:6379"),
                      List.of(new MetricSeries.Point(query.startNanos(), values[0]))),
                  new MetricSeries.Series(
                      List.of("b:6379"),
                      List.of(new MetricSeries.Point(query.startNanos(), values[1])))),
              false);
        };
    Expression hitRatio =
        ExpressionParser.parse(
            "metric_rate(redis.keyspace.hits)[5m] by (resource.redis.node.address)"
                + " / (metric_rate(redis.keyspace.hits)[5m] by (resource.redis.node.address)"
                + "  + metric_rate(\"redis.keyspace.misses\")[5m] by (resource.redis.node.address))"
                + " < 0.8");
    assertThat(run(hitRatio))
        .containsExactly(
            new Expression.Sample(Labels.of(Map.of("redis_node_address", "a:6379")), 0.7));
    MetricQuery asked = (MetricQuery) reader.requests.getFirst();
    assertThat(asked.aggregation()).isEqualTo(MetricQuery.Aggregation.RATE);
    assertThat(asked.stepNanos()).isEqualTo(300 * S);
    assertThat(asked.originNanos()).isEqualTo(asked.startNanos());
  }

  @Test
  void absent_firesOnceWhenNothingMatches() {
    Expression absent = ExpressionParser.parse("absent(metric_last(\"redis.up\")[5m])");
    assertThat(run(absent)).containsExactly(new Expression.Sample(Labels.EMPTY, 1));
    reader.series =
        query ->
            new MetricSeries(
                List.of(new MetricSeries.Series(List.of(), List.of(new MetricSeries.Point(0, 1)))),
                false);
    assertThat(run(absent)).isEmpty();

    Expression noLogs = ExpressionParser.parse("absent(logs_count('service.name:checkout')[15m])");
    assertThat(run(noLogs)).containsExactly(new Expression.Sample(Labels.EMPTY, 1));
    reader.groups(Map.of(List.of(), new double[] {3}));
    assertThat(run(noLogs)).isEmpty();
  }

  private List<Expression.Sample> run(Expression expression) {
    try {
      return expression
          .run(new Expression.Context(reader, clock.get(), dev.spyglass.storage.Deadline.NONE))
          .samples();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void parser_saysWhatAndWhere() {
    assertThat(offsetOf("logs_cont()[5m] > 1")).isEqualTo(0);
    assertThat(message("logs_count() > 1")).contains("needs a window");
    assertThat(offsetOf("logs_count()[5x] > 1")).isEqualTo(13);
    assertThat(message("metric_rate()[5m]")).contains("needs a metric name");
    assertThat(message("metric_last(redis.up)[5m] by (body) == 0")).contains("metrics group by");
    assertThat(message("logs_count('x)[5m]")).contains("no closing");
    assertThat(message("logs_count()[5m] > 1 > 2")).contains("only one comparison");
    assertThat(message("logs_count()[500ms]")).contains("at least 1s");
    assertThat(message("(".repeat(100) + "1")).contains("nested");
    assertThat(ExpressionParser.parse("spans_rate()[1h30m] by (service.name) >= 2.5e3"))
        .isInstanceOf(Expression.Comparison.class);
  }

  private static int offsetOf(String expr) {
    try {
      ExpressionParser.parse(expr);
      throw new AssertionError("parsed: " + expr);
    } catch (ExpressionException e) {
      return e.offset();
    }
  }

  private static String message(String expr) {
    assertThatThrownBy(() -> ExpressionParser.parse(expr)).isInstanceOf(ExpressionException.class);
    try {
      ExpressionParser.parse(expr);
      return "";
    } catch (ExpressionException e) {
      return e.getMessage();
    }
  }

  @Test
  void templates_renderAsPrometheusDoes() {
    Map<String, String> labels = Map.of("instance", "a:6379");
    assertThat(Template.parse("{{ $labels.instance }} is at {{ $value }}").render(labels, 0.5))
        .isEqualTo("a:6379 is at 0.5");
    assertThat(Template.parse("{{ $value }}").render(labels, 1_000_000)).isEqualTo("1e+06");
    assertThat(Template.parse("{{ $value }}").render(labels, 12)).isEqualTo("12");
    assertThat(Template.parse("{{ $value | humanize }}").render(labels, 1234567))
        .isEqualTo("1.235M");
    assertThat(Template.parse("{{ humanize1024 $value }}").render(labels, 2048)).isEqualTo("2ki");
    assertThat(Template.parse("{{ $value | humanizeDuration }}").render(labels, 3725))
        .isEqualTo("1h 2m 5s");
    assertThat(Template.parse("{{ $value | humanizeDuration }}").render(labels, 0.25))
        .isEqualTo("250ms");
    assertThat(Template.parse("{{ printf \"%.2f\" $value }}").render(labels, 0.12345))
        .isEqualTo("0.12");
    assertThat(Template.parse("{{ .Labels.missing }}|{{- \"x\" }} ").render(labels, 1))
        .isEqualTo("|x ");
    assertThatThrownBy(() -> Template.parse("{{ $value | nosuch }}"))
        .isInstanceOf(ExpressionException.class)
        .hasMessageContaining("unknown function 'nosuch'");
    assertThatThrownBy(() -> Template.parse("{{ $value"))
        .isInstanceOf(ExpressionException.class)
        .hasMessageContaining("not closed");
    assertThat(AlertsApi.exponent(0.05)).isEqualTo("5e-02");
    assertThat(AlertsApi.exponent(12.5)).isEqualTo("1.25e+01");
  }

  @Test
  void state_survivesARestart_pendingTimersResume(@TempDir Path dir) {
    RuleGroup group =
        group(
            rule("logs_count()[5m] by (service.name) > 10", Duration.ofMinutes(2), Duration.ZERO));
    Path state = dir.resolve("alerts/state.json");
    Alerts before = alerts(group, Optional.of(state));
    errorsPerService(12, 20);
    before.evaluate(group, clock.get());
    before.close();
    List<StateChange> beforeRestart = new ArrayList<>(history);
    history.clear();

    Alerts after = alerts(group, Optional.of(state));
    after.start();
    try {
      after.evaluate(group, clock.addAndGet(60 * S));
      assertThat(history).isEmpty(); // still pending: nothing new to say
      assertThat(instances(after, group))
          .allSatisfy(alert -> assertThat(alert.activeAtNanos).isEqualTo(T0));
      after.evaluate(group, clock.addAndGet(60 * S));
      assertThat(history).extracting(StateChange::to).containsExactly("firing", "firing");
      assertThat(beforeRestart).hasSize(2);
    } finally {
      after.close();
    }
  }

  @Test
  void aGroupsRuns_neverOverlap_andEachReadIsBoundByTheInterval() throws Exception {
    java.util.concurrent.atomic.AtomicInteger running =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most =
        new java.util.concurrent.atomic.AtomicInteger();
    List<Long> deadlines = new CopyOnWriteArrayList<>();
    reader.aggregations =
        request -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          deadlines.add(request.deadline().atNanos() - System.nanoTime());
          try {
            Thread.sleep(700); // longer than the group's interval
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            running.decrementAndGet();
          }
          return new AggregationResult(0, 0, List.of(), false);
        };
    RuleGroup group =
        new RuleGroup(
            "slow",
            "rules.yaml",
            Duration.ofMillis(300),
            0,
            List.of(rule("logs_count()[5m] > 1", Duration.ZERO, Duration.ZERO)));
    Alerts alerts = alerts(group, Optional.empty());
    clock.set(System.currentTimeMillis() * 1_000_000L);
    alerts.start();
    try {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> reader.requests.size() >= 3);
    } finally {
      alerts.close();
    }
    assertThat(most.get()).isEqualTo(1);
    // Each read may take the group's interval (300 ms), not the 5 s query timeout.
    assertThat(deadlines).allSatisfy(left -> assertThat(left).isBetween(0L, 300_000_000L));
  }
}
