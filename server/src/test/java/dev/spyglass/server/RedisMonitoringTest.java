package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spyglass.receiver.testing.RedisServer;
import dev.spyglass.server.config.ConfigLoader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Spyglass pointed at a running Redis, as the README shows: its metrics and its slow commands are
 * in the query API.
 */
class RedisMonitoringTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String YAML =
      """
      receivers:
        otlp: { protocols: { http: { endpoint: 127.0.0.1:%1$d } } }
        redis: { endpoint: REDIS, collection_interval: 1s }
      exporters:
        spyglass: { path: %2$s, refresh_interval: 100ms }
      extensions:
        api: { endpoint: 127.0.0.1:%3$d }
      service:
        extensions: [api]
        pipelines:
          metrics: { receivers: [otlp, redis], exporters: [spyglass] }
          logs: { receivers: [otlp, redis], exporters: [spyglass] }
      """;

  @TempDir Path dir;

  private static String q(String query) {
    return URLEncoder.encode(query, StandardCharsets.UTF_8);
  }

  @Test
  void hitRatioAndSlowCommands_areQueryable() throws Exception {
    try (RedisServer redis =
        RedisServer.start(
            dir, "--slowlog-log-slower-than", "10000", "--enable-debug-command", "yes")) {
      try (Jedis client = redis.client()) {
        client.set("session:42", "x");
        client.get("session:42");
        client.get("session:42");
        client.get("session:42");
        client.get("session:gone");
        client.eval(
            "local t = redis.call('TIME') while true do local n = redis.call('TIME') if (n[1]-t[1])*1000000 + (n[2]-t[2]) > 20000 then break end end return 1");
      }
      long started = System.currentTimeMillis();
      try (InProcessSpyglass spyglass =
          new InProcessSpyglass(dir.resolve("data"), YAML.replace("REDIS", redis.address()))) {
        String hitRatio =
            "/api/v1/metrics/query?name=redis.keyspace.hit_ratio&agg=last&step=1h"
                + "&group_by=resource.redis.node.address&start="
                + (started - 600_000)
                + "&end=now";
        await()
            .atMost(Duration.ofSeconds(20))
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  JsonNode series =
                      JSON.readTree(spyglass.get(hitRatio).body()).get("series").get(0);
                  assertThat(series.get("labels").get("resource.redis.node.address").asText())
                      .isEqualTo(redis.address());
                  assertThat(series.get("points").get(0).get("value").asDouble()).isEqualTo(0.75);
                });
        String slow =
            "/api/v1/logs/search?q="
                + q(
                    "attributes.db.system.name:redis AND attributes.redis.slowlog.duration_us:>=20000");
        await()
            .atMost(Duration.ofSeconds(20))
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  JsonNode found = JSON.readTree(spyglass.get(slow).body());
                  assertThat(found.get("total").asLong()).isEqualTo(1);
                  JsonNode record = found.get("hits").get(0);
                  assertThat(record.get("body").asText()).startsWith("EVAL local t");
                  assertThat(record.get("attributes").get("redis.slowlog.duration_us").asLong())
                      .isGreaterThan(20_000);
                });
        String up =
            "/api/v1/metrics/query?name=redis.up&agg=min&step=1h"
                + "&group_by=resource.redis.node.address&start="
                + (started - 600_000)
                + "&end=now";
        JsonNode upSeries = JSON.readTree(spyglass.get(up).body()).get("series").get(0);
        assertThat(upSeries.get("points").get(0).get("value").asDouble()).isEqualTo(1.0);
        System.out.printf(
            "redis: hit ratio and slow command queryable %d ms after Spyglass started (interval 1s)%n",
            System.currentTimeMillis() - started);
      }
    }
  }

  @Test
  void configMistakes_nameTheLine() {
    String yaml =
        """
        receivers:
          redis:
            endpoint: localhost
        exporters:
          spyglass: {}
        service:
          pipelines:
            metrics: { receivers: [redis], exporters: [spyglass] }
        """;
    assertThatThrownBy(
            () -> ConfigLoader.create(ComponentRegistry.factories()).parse(yaml, "r.yaml"))
        .hasMessageContaining(
            "r.yaml:3:15: receivers.redis.endpoint: 'localhost' is not host:port");
    String traces = yaml.replace("metrics: { receivers: [redis]", "traces: { receivers: [redis]");
    assertThatThrownBy(
            () ->
                ConfigLoader.create(ComponentRegistry.factories())
                    .parse(traces.replace("localhost", "localhost:6379"), "r.yaml"))
        .hasMessageContaining("receiver 'redis' does not support traces");
  }
}
