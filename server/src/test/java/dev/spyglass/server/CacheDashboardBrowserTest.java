package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spyglass.receiver.testing.RedisServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The cache dashboard in chromium ({@code ui/tests/caches.browser.mjs}) against Spyglass scraping a
 * real primary and its replica, with an app's span that calls the primary sent over OTLP.
 */
class CacheDashboardBrowserTest {
  private static final String YAML =
      """
      receivers:
        otlp: { protocols: { http: { endpoint: 127.0.0.1:%1$d } } }
        redis: { endpoint: PRIMARY, collection_interval: 1s }
      exporters:
        spyglass: { path: %2$s, refresh_interval: 100ms }
      extensions:
        api: { endpoint: 127.0.0.1:%3$d }
      service:
        extensions: [api]
        pipelines:
          metrics: { receivers: [otlp, redis], exporters: [spyglass] }
          logs: { receivers: [otlp, redis], exporters: [spyglass] }
          traces: { receivers: [otlp], exporters: [spyglass] }
      """;

  @TempDir Path dir;

  @Test
  void cacheDashboard_showsARealPrimaryAndReplica_inChromium() throws Exception {
    Files.createDirectories(dir.resolve("primary"));
    Files.createDirectories(dir.resolve("replica"));
    try (RedisServer primary =
            RedisServer.start(
                dir.resolve("primary"),
                "--slowlog-log-slower-than",
                "10000",
                "--maxmemory",
                "64mb");
        RedisServer replica =
            RedisServer.start(
                dir.resolve("replica"), "--replicaof", "127.0.0.1", String.valueOf(primary.port))) {
      try (Jedis client = primary.client()) {
        client.set("cart:42", "x");
        client.get("cart:42");
        client.get("cart:42");
        client.get("cart:42");
        client.get("cart:gone");
        client.eval(
            "local t = redis.call('TIME') while true do local n = redis.call('TIME') if (n[1]-t[1])*1000000 + (n[2]-t[2]) > 20000 then break end end return 1");
      }
      try (InProcessSpyglass spyglass =
          new InProcessSpyglass(dir.resolve("data"), YAML.replace("PRIMARY", primary.address()))) {
        long now = System.currentTimeMillis() * 1_000_000L;
        String span =
            """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
              "scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
                "name":"HGETALL","kind":3,"startTimeUnixNano":"%d","endTimeUnixNano":"%d",
                "attributes":[{"key":"db.system","value":{"stringValue":"redis"}},
                              {"key":"server.address","value":{"stringValue":"127.0.0.1"}}]}]}]}]}
            """
                .formatted(now - 2_000_000_000L, now - 1_990_000_000L);
        assertThat(spyglass.sendJson("traces", span)).isEqualTo(200);
        // Both nodes scraped (the replica found through the primary), and the slow command logged.
        String up =
            "/api/v1/metrics/query?name=redis.up&agg=last&group_by=resource.redis.node.address"
                + "&start=now-10m&end=now";
        String slow =
            "/api/v1/logs/search?q="
                + URLEncoder.encode(
                    "attributes.db.system.name:redis AND attributes.redis.slowlog.duration_us:>=0",
                    StandardCharsets.UTF_8);
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  assertThat(spyglass.get(up).body())
                      .contains(primary.address())
                      .contains(replica.address());
                  assertThat(spyglass.get(slow).body()).contains("EVAL");
                  assertThat(
                          spyglass
                              .get("/api/v1/metrics/search?q=metric.name:redis.replica.lag")
                              .body())
                      .doesNotStartWith("{\"total\":0,");
                });
        WebUiBrowserTest.browse(
            spyglass, "caches", "primary=" + primary.address(), "replica=" + replica.address());
        assertThat(WebUiBrowserTest.SHOTS.resolve("caches.png")).exists();
      }
    }
  }
}
