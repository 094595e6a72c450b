package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Alerts page in chromium ({@code ui/tests/alerts*.browser.mjs}) against rules running for
 * real.
 */
class AlertsBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String RULES =
      """
      groups:
        - name: shop
          interval: 1s
          rules:
            - alert: CheckoutErrors
              expr: logs_count('service.name:checkout AND severity_number:>=17')[10m] > 2
              labels: { severity: page }
              annotations: { summary: "{{ $value }} errors in checkout" }
            - alert: CheckoutErrorsForAnHour
              expr: logs_count('service.name:checkout AND severity_number:>=17')[10m] > 2
              for: 1h
            - alert: CartErrors
              expr: logs_count('service.name:cart AND severity_number:>=17')[10m] > 0
            - alert: BrokenQuery
              expr: logs_count('body:[')[10m] > 0
      """;

  private static final String YAML =
      """
      receivers:
        otlp: { protocols: { http: { endpoint: 127.0.0.1:%1$d } } }
      exporters:
        spyglass: { path: %2$s, refresh_interval: 100ms }
      extensions:
        api: { endpoint: 127.0.0.1:%3$d }
        alerts: { rule_files: [RULES], evaluation_interval: 1s }
      service:
        extensions: [api, alerts]
        pipelines:
          logs: { receivers: [otlp], exporters: [spyglass] }
      """;

  @TempDir Path dir;

  @Test
  void alertsPage_showsRulesInstancesAndHistory_inChromium() throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, RULES);
    try (InProcessSpyglass spyglass =
        new InProcessSpyglass(dir.resolve("data"), YAML.replace("RULES", rules.toString()))) {
      long now = System.currentTimeMillis() * 1_000_000L;
      StringBuilder records = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        records
            .append(i == 0 ? "" : ",")
            .append(
                "{\"timeUnixNano\":\"%d\",\"severityNumber\":17,\"body\":{\"stringValue\":\"card declined\"}}"
                    .formatted(now - i * 1_000_000_000L));
      }
      assertThat(
              spyglass.sendJson(
                  "logs",
                  """
                  {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
                   "scopeLogs":[{"logRecords":[%s]}]}]}
                  """
                      .formatted(records)))
          .isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .until(
              () -> {
                JsonNode groups =
                    JSON.readTree(spyglass.get("/api/v1/rules").body()).at("/data/groups/0/rules");
                return groups.get(0).get("state").asText().equals("firing")
                    && groups.get(1).get("state").asText().equals("pending")
                    && groups.get(3).get("health").asText().equals("err")
                    && JSON.readTree(
                                spyglass
                                    .get(
                                        "/api/v1/logs/search?q=attributes.event.name:alert.state_change")
                                    .body())
                            .get("total")
                            .asInt()
                        >= 2; // CheckoutErrors firing, CheckoutErrorsForAnHour pending
              });
      WebUiBrowserTest.browse(spyglass, "alerts");
      assertThat(WebUiBrowserTest.SHOTS.resolve("alerts.png")).exists();
    }
  }

  @Test
  void alertsPage_withoutRules_saysHowToAddThem_inChromium() throws Exception {
    try (InProcessSpyglass spyglass = new InProcessSpyglass(dir.resolve("data"))) {
      WebUiBrowserTest.browse(spyglass, "alerts-empty");
    }
  }
}
