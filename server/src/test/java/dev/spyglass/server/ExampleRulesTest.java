package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spyglass.query.alerts.RuleGroup;
import dev.spyglass.receiver.testing.RedisServer;
import dev.spyglass.server.config.RuleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The rule files shipped in docs/alerts, as written — only their intervals and {@code for}s
 * shortened so that the test takes seconds: each expression runs against real data and the ones
 * whose condition the test brings about fire.
 */
class ExampleRulesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DOCS = Path.of("..", "docs", "alerts");

  private static final String YAML =
      """
      receivers:
        otlp: { protocols: { http: { endpoint: 127.0.0.1:%1$d } } }
        REDIS_RECEIVER
      exporters:
        spyglass: { path: %2$s, refresh_interval: 100ms }
      extensions:
        api: { endpoint: 127.0.0.1:%3$d }
        alerts: { rule_files: [RULES], evaluation_interval: 1s }
      service:
        extensions: [api, alerts]
        pipelines:
          logs: { receivers: [RECEIVERS], exporters: [spyglass] }
          metrics: { receivers: [RECEIVERS], exporters: [spyglass] }
          traces: { receivers: [otlp], exporters: [spyglass] }
      """;

  @TempDir Path dir;

  private Path shortened(String file) throws Exception {
    String text =
        Files.readString(DOCS.resolve(file))
            .replaceAll("interval: \\S+", "interval: 1s")
            .replaceAll("(?m)^(\\s+)(for|keep_firing_for): \\S+", "$1$2: 0s");
    Path copy = dir.resolve(file);
    Files.writeString(copy, text);
    return copy;
  }

  @Test
  void shippedRuleFiles_loadAsTheyAre() {
    List<RuleGroup> groups =
        RuleFiles.load(List.of(DOCS.resolve("*.rules.yaml").toString()), Duration.ofMinutes(1));
    assertThat(groups).extracting(RuleGroup::name).containsExactly("redis", "services");
    assertThat(groups.get(0).rules())
        .extracting(rule -> rule.name())
        .containsExactly(
            "RedisDown",
            "RedisLowHitRatio",
            "RedisEvicting",
            "RedisReplicationLag",
            "RedisReplicaLinkDown",
            "RedisSlowCommands");
    assertThat(groups.get(1).rules()).hasSize(4);
  }

  /** The rules' states by alert name, once every rule has been evaluated without error. */
  private static Map<String, JsonNode> rules(InProcessSpyglass spyglass) throws Exception {
    Map<String, JsonNode> rules = new HashMap<>();
    for (JsonNode group : JSON.readTree(spyglass.get("/api/v1/rules").body()).at("/data/groups")) {
      for (JsonNode rule : group.get("rules")) {
        assertThat(rule.get("health").asText()).as(rule.toString()).isEqualTo("ok");
        rules.put(rule.get("name").asText(), rule);
      }
    }
    return rules;
  }

  @Test
  void redisRules_fireOnMissesEvictionsSlowCommandsAndADownNode() throws Exception {
    Path rules = shortened("redis.rules.yaml");
    try (RedisServer redis =
        RedisServer.start(
            dir,
            "--slowlog-log-slower-than",
            "10000",
            "--maxmemory",
            "4mb",
            "--maxmemory-policy",
            "allkeys-lru")) {
      String yaml =
          YAML.replace("RULES", rules.toString())
              .replace(
                  "REDIS_RECEIVER",
                  "redis: { endpoint: " + redis.address() + ", collection_interval: 1s }")
              .replace("RECEIVERS", "otlp, redis");
      try (InProcessSpyglass spyglass = new InProcessSpyglass(dir.resolve("data"), yaml);
          Jedis client = redis.client()) {
        String value = "x".repeat(10_000);
        long until = System.nanoTime() + 6_000_000_000L;
        int i = 0;
        while (System.nanoTime() < until) { // misses and evictions across several scrapes
          client.get("missing:" + i);
          client.set("key:" + i, value);
          i++;
          if (i % 200 == 0) {
            client.eval(
                "local t = redis.call('TIME') while true do local n = redis.call('TIME')"
                    + " if (n[1]-t[1])*1000000 + (n[2]-t[2]) > 15000 then break end end return 1");
            Thread.sleep(50);
          }
        }
        for (int slow = 0; slow < 6; slow++) {
          client.eval(
              "local t = redis.call('TIME') while true do local n = redis.call('TIME')"
                  + " if (n[1]-t[1])*1000000 + (n[2]-t[2]) > 15000 then break end end return 1");
        }
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  Map<String, JsonNode> states = rules(spyglass);
                  for (String firing :
                      List.of("RedisLowHitRatio", "RedisEvicting", "RedisSlowCommands")) {
                    assertThat(states.get(firing).get("state").asText())
                        .as(firing)
                        .isEqualTo("firing");
                  }
                  assertThat(states.get("RedisDown").get("state").asText()).isEqualTo("inactive");
                  assertThat(states.get("RedisReplicationLag").get("state").asText())
                      .isEqualTo("inactive");
                });
        JsonNode hitRatio = rules(spyglass).get("RedisLowHitRatio").at("/alerts/0");
        assertThat(hitRatio.at("/labels/redis_node_address").asText()).isEqualTo(redis.address());
        assertThat(hitRatio.at("/annotations/summary").asText())
            .isEqualTo("Redis " + redis.address() + " hit ratio is 0%");

        redis.kill();
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .untilAsserted(
                () ->
                    assertThat(rules(spyglass).get("RedisDown").get("state").asText())
                        .isEqualTo("firing"));
        assertThat(rules(spyglass).get("RedisDown").at("/alerts/0/annotations/summary").asText())
            .isEqualTo("Redis " + redis.address() + " is not answering");
      }
    }
  }

  private static String spans(int count, double errorShare, long durationNanos) {
    StringBuilder spans = new StringBuilder();
    long end = System.currentTimeMillis() * 1_000_000L;
    HexFormat hex = HexFormat.of();
    for (int i = 0; i < count; i++) {
      byte[] trace = new byte[16];
      byte[] span = new byte[8];
      ThreadLocalRandom.current().nextBytes(trace);
      ThreadLocalRandom.current().nextBytes(span);
      if (i > 0) {
        spans.append(',');
      }
      spans.append(
          """
          {"traceId":"%s","spanId":"%s","name":"POST /pay","kind":2,
           "startTimeUnixNano":"%d","endTimeUnixNano":"%d","status":{"code":%d}}
          """
              .formatted(
                  hex.formatHex(trace),
                  hex.formatHex(span),
                  end - durationNanos,
                  end,
                  i < count * errorShare ? 2 : 1));
    }
    return """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
         "scopeSpans":[{"spans":[%s]}]}]}
        """
        .formatted(spans);
  }

  private static String errorLogs(int count) {
    StringBuilder records = new StringBuilder();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        records.append(',');
      }
      records.append(
          "{\"timeUnixNano\":\"%d\",\"severityNumber\":17,\"body\":{\"stringValue\":\"card declined\"}}"
              .formatted(now - i * 1_000_000L));
    }
    return """
        {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
         "scopeLogs":[{"logRecords":[%s]}]}]}
        """
        .formatted(records);
  }

  @Test
  void serviceRules_fireOnErrorsLatencyAndErrorLogs_notOnASilentService() throws Exception {
    Path rules = shortened("services.rules.yaml");
    String yaml =
        YAML.replace("RULES", rules.toString())
            .replace("REDIS_RECEIVER", "")
            .replace("RECEIVERS", "otlp");
    try (InProcessSpyglass spyglass = new InProcessSpyglass(dir.resolve("data"), yaml)) {
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(rules(spyglass).get("ServiceSilent").get("state").asText())
                      .isEqualTo("firing"));
      assertThat(spyglass.sendJson("traces", spans(40, 0.25, 800_000_000L))).isEqualTo(200);
      assertThat(spyglass.sendJson("logs", errorLogs(400))).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                Map<String, JsonNode> states = rules(spyglass);
                for (String firing : List.of("HighErrorRatio", "SlowOperation", "ErrorLogBurst")) {
                  assertThat(states.get(firing).get("state").asText())
                      .as(firing)
                      .isEqualTo("firing");
                }
                assertThat(states.get("ServiceSilent").get("state").asText()).isEqualTo("inactive");
              });
      Map<String, JsonNode> states = rules(spyglass);
      assertThat(states.get("HighErrorRatio").at("/alerts/0/annotations/summary").asText())
          .isEqualTo("checkout: 25% of requests fail");
      assertThat(states.get("SlowOperation").at("/alerts/0/annotations/summary").asText())
          .matches("checkout POST /pay: p95 (799\\.\\d+|800)ms"); // percentiles are within 0.1%
      assertThat(states.get("SlowOperation").at("/alerts/0/labels/span_name").asText())
          .isEqualTo("POST /pay");
    }
  }
}
