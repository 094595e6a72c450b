package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts as a user runs them: a rule file, logs over OTLP, a real Alertmanager delivering to a
 * webhook, Spyglass's own webhook beside it, a restart while the alert fires.
 */
class AlertsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String RULES =
      """
      groups:
        - name: checkout
          interval: 1s
          rules:
            - alert: CheckoutErrors
              expr: logs_count('service.name:checkout AND severity_number:>=17')[10s] > 3
              for: 2s
              labels:
                severity: page
              annotations:
                summary: "{{ $value }} errors in checkout"
      """;

  private static final String YAML =
      """
      receivers:
        otlp: { protocols: { http: { endpoint: 127.0.0.1:%1$d } } }
      exporters:
        spyglass: { path: %2$s, refresh_interval: 100ms }
      extensions:
        api: { endpoint: 127.0.0.1:%3$d }
        alerts:
          rule_files: [RULES]
          evaluation_interval: 1s
          resend_delay: 5s
          alertmanagers: [{ url: ALERTMANAGER }]
          webhooks: [{ name: direct, url: DIRECT, timeout: 2s, max_retries: 3 }]
      service:
        extensions: [api, alerts]
        pipelines:
          logs: { receivers: [otlp], exporters: [spyglass] }
      """;

  @TempDir Path dir;

  private static String errorLog(long nanos) {
    return """
        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
         "scopeLogs":[{"logRecords":[{"timeUnixNano":"%d","severityNumber":17,"severityText":"ERROR",
         "body":{"stringValue":"payment declined"}}]}]}]}
        """
        .formatted(nanos);
  }

  private static long now() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Test
  void aRuleFires_throughAlertmanagerAndAWebhook_survivesARestart_andResolves() throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, RULES);
    try (WebhookReceiver webhooks = new WebhookReceiver();
        Alertmanager alertmanager = Alertmanager.start(dir.resolve("am"), webhooks.url("/am"))) {
      String yaml =
          YAML.replace("RULES", rules.toString())
              .replace("ALERTMANAGER", alertmanager.url())
              .replace("DIRECT", webhooks.url("/direct"));
      webhooks.failNext.set(1); // the first direct notification is retried
      ScheduledExecutorService errors = Executors.newSingleThreadScheduledExecutor();
      InMemoryMetricReader metrics = InMemoryMetricReader.create();
      SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(metrics).build();
      InProcessSpyglass spyglass = new InProcessSpyglass(dir.resolve("data"), yaml, meters);
      AtomicReference<InProcessSpyglass> target = new AtomicReference<>(spyglass);
      JsonNode firingBefore;
      try {
        errors.scheduleAtFixedRate(
            () -> {
              try {
                target.get().sendJson("logs", errorLog(now()));
              } catch (Exception e) {
                // the server is restarting; the next tick sends again
              }
            },
            0,
            250,
            TimeUnit.MILLISECONDS);

        // Alertmanager delivers the firing alert, grouped by alertname, to its webhook.
        await().atMost(Duration.ofSeconds(30)).until(() -> !webhooks.at("/am").isEmpty());
        JsonNode delivered = webhooks.at("/am").getFirst();
        assertThat(delivered.get("status").asText()).isEqualTo("firing");
        JsonNode alert = delivered.get("alerts").get(0);
        assertThat(alert.get("labels").get("alertname").asText()).isEqualTo("CheckoutErrors");
        assertThat(alert.get("labels").get("severity").asText()).isEqualTo("page");
        assertThat(alert.get("annotations").get("summary").asText())
            .endsWith(" errors in checkout");
        assertThat(alert.get("generatorURL").asText()).contains("/alerts?rule=CheckoutErrors");

        // Spyglass's own webhook: Alertmanager's payload, version 4, after one retry.
        await().atMost(Duration.ofSeconds(10)).until(() -> !webhooks.at("/direct").isEmpty());
        JsonNode direct = webhooks.at("/direct").getFirst();
        assertThat(direct.get("version").asText()).isEqualTo("4");
        assertThat(direct.get("status").asText()).isEqualTo("firing");
        assertThat(direct.get("receiver").asText()).isEqualTo("direct");
        assertThat(direct.get("groupKey").asText()).isEqualTo("{}:{alertname=\"CheckoutErrors\"}");
        assertThat(direct.get("groupLabels").get("alertname").asText()).isEqualTo("CheckoutErrors");
        assertThat(direct.get("commonLabels").get("severity").asText()).isEqualTo("page");
        assertThat(direct.get("alerts").get(0).get("endsAt").asText())
            .isEqualTo("0001-01-01T00:00:00Z");

        // What amtool sees.
        String amtool = alertmanager.amtool("alertname=CheckoutErrors");
        JsonNode active = JSON.readTree(amtool);
        assertThat(active).as(amtool).hasSize(1);
        assertThat(active.get(0).get("labels").get("severity").asText()).isEqualTo("page");
        assertThat(active.get(0).get("status").get("state").asText()).isEqualTo("active");

        // The API, in Prometheus's shapes.
        JsonNode alerts = JSON.readTree(spyglass.get("/api/v1/alerts").body());
        assertThat(alerts.get("status").asText()).isEqualTo("success");
        firingBefore = alerts.get("data").get("alerts").get(0);
        assertThat(firingBefore.get("state").asText()).isEqualTo("firing");
        JsonNode rule =
            JSON.readTree(spyglass.get("/api/v1/rules").body())
                .get("data")
                .get("groups")
                .get(0)
                .get("rules")
                .get(0);
        assertThat(rule.get("name").asText()).isEqualTo("CheckoutErrors");
        assertThat(rule.get("state").asText()).isEqualTo("firing");
        assertThat(rule.get("health").asText()).isEqualTo("ok");
        assertThat(rule.get("duration").asDouble()).isEqualTo(2.0);
        assertThat(rule.get("type").asText()).isEqualTo("alerting");

        // Its own telemetry: evaluations, the firing count, notifications per receiver.
        Map<String, Double> sums = new HashMap<>();
        for (MetricData metric : metrics.collectAllMetrics()) {
          for (PointData point : metric.getData().getPoints()) {
            String receiver = point.getAttributes().get(AttributeKey.stringKey("receiver"));
            String key = metric.getName() + (receiver == null ? "" : "{" + receiver + "}");
            double value =
                point instanceof LongPointData longs
                    ? longs.getValue()
                    : point instanceof HistogramPointData histogram ? histogram.getCount() : 0;
            sums.merge(key, value, Double::sum);
          }
        }
        assertThat(sums.get("spyglass_alerts_rule_evaluations")).isGreaterThan(2);
        assertThat(sums.get("spyglass_alerts_rule_group_duration")).isGreaterThan(2);
        assertThat(sums.get("spyglass_alerts_firing")).isEqualTo(1);
        assertThat(sums.get("spyglass_alerts_notifications_sent{direct}")).isEqualTo(1);
        assertThat(
                sums.get("spyglass_alerts_notifications_sent{127.0.0.1:" + alertmanager.port + "}"))
            .isGreaterThanOrEqualTo(1);
      } finally {
        spyglass.close();
      }

      // Restart while firing: the state continues, nobody is notified again.
      int amBefore = webhooks.at("/am").size();
      int directBefore = webhooks.at("/direct").size();
      spyglass = new InProcessSpyglass(dir.resolve("data"), yaml);
      target.set(spyglass);
      try {
        InProcessSpyglass restarted = spyglass;
        await()
            .atMost(Duration.ofSeconds(15))
            .ignoreExceptions()
            .until(
                () ->
                    JSON.readTree(restarted.get("/api/v1/rules").body())
                        .at("/data/groups/0/rules/0/health")
                        .asText()
                        .equals("ok"));
        JsonNode firingAfter =
            JSON.readTree(spyglass.get("/api/v1/alerts").body()).at("/data/alerts/0");
        assertThat(firingAfter.get("state").asText()).isEqualTo("firing");
        assertThat(firingAfter.get("activeAt").asText())
            .isEqualTo(firingBefore.get("activeAt").asText());
        Thread.sleep(3000); // several evaluations and a resend to Alertmanager
        assertThat(webhooks.at("/am")).hasSize(amBefore);
        assertThat(webhooks.at("/direct")).hasSize(directBefore);

        // The errors stop: the window empties, the alert resolves everywhere.
        errors.shutdownNow();
        errors.awaitTermination(5, TimeUnit.SECONDS);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    webhooks.at("/am").stream()
                        .anyMatch(body -> body.get("status").asText().equals("resolved")));
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    webhooks.at("/direct").stream()
                        .anyMatch(body -> body.get("status").asText().equals("resolved")));
        JsonNode resolved =
            webhooks.at("/direct").stream()
                .filter(body -> body.get("status").asText().equals("resolved"))
                .findFirst()
                .orElseThrow();
        assertThat(resolved.at("/alerts/0/endsAt").asText()).isNotEqualTo("0001-01-01T00:00:00Z");
        assertThat(JSON.readTree(spyglass.get("/api/v1/alerts").body()).at("/data/alerts"))
            .isEmpty();
        assertThat(JSON.readTree(alertmanager.amtool("alertname=CheckoutErrors"))).isEmpty();
        assertThat(
                webhooks.at("/am").stream().filter(b -> b.get("status").asText().equals("firing")))
            .hasSize(1);
        assertThat(
                webhooks.at("/direct").stream()
                    .filter(b -> b.get("status").asText().equals("firing")))
            .hasSize(1);

        // The history is in the store, searchable as logs.
        String history =
            "/api/v1/logs/search?start=now-1h&limit=20&sort=timestamp:asc&q="
                + URLEncoder.encode(
                    "attributes.event.name:alert.state_change AND attributes.alert.name:CheckoutErrors",
                    StandardCharsets.UTF_8);
        InProcessSpyglass last = spyglass;
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertThat(JSON.readTree(last.get(history).body()).get("hits"))
                        .extracting(hit -> hit.at("/attributes/alert.state").asText())
                        .containsExactly("pending", "firing", "resolved"));
      } finally {
        errors.shutdownNow();
        spyglass.close();
      }
    }
  }

  @Test
  void aBrokenRuleFile_isAConfigErrorNamingItsLine() throws Exception {
    Path rules = dir.resolve("bad.yaml");
    Files.writeString(
        rules,
        """
        groups:
          - name: g
            rules:
              - alert: Broken
                expr: logs_count()[5m] >> 3
        """);
    String yaml =
        """
        exporters:
          spyglass: { path: %s }
        extensions:
          alerts: { rule_files: [%s] }
        service:
          extensions: [alerts]
          pipelines:
            logs: { receivers: [otlp], exporters: [spyglass] }
        receivers:
          otlp: { protocols: { http: { endpoint: 127.0.0.1:0 } } }
        """
            .formatted(dir.resolve("data"), rules);
    var loader = dev.spyglass.server.config.ConfigLoader.create(ComponentRegistry.factories());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.parse(yaml, "spyglass.yaml"))
        .isInstanceOf(dev.spyglass.server.config.ConfigException.class)
        .hasMessage(rules + ":5:33: groups[0].rules[0].expr: unexpected '>'");
  }
}
