package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI served by the {@code api} extension, checked in a real browser: Debian's chromium,
 * driven by playwright-core ({@code ui/tests/*.browser.mjs}, run with Node) against a Spyglass fed
 * over OTLP. Screenshots of every page go to {@code server/target/ui-screenshots}.
 */
class WebUiBrowserTest {
  private static final Path UI = Path.of("..", "ui").toAbsolutePath().normalize();
  private static final Path SHOTS = Path.of("target", "ui-screenshots").toAbsolutePath();
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  @TempDir static Path dir;
  private static InProcessSpyglass spyglass;

  @BeforeAll
  static void ingest() throws Exception {
    spyglass = new InProcessSpyglass(dir);
    long now = System.currentTimeMillis() * 1_000_000L;
    String logs =
        """
        {"resourceLogs":[
          {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
           "scopeLogs":[{"scope":{"name":"shop"},"logRecords":[
             {"timeUnixNano":"%d","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"Connection reset by peer"},
              "traceId":"%s","spanId":"0000000000000002","attributes":[{"key":"http.method","value":{"stringValue":"POST"}}]},
             {"timeUnixNano":"%d","severityNumber":9,"severityText":"INFO","body":{"stringValue":"payment ok"}}]}]},
          {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
           "scopeLogs":[{"logRecords":[
             {"timeUnixNano":"%d","severityNumber":13,"severityText":"WARN","body":{"stringValue":"cart is slow <b>today</b>"}}]}]}]}
        """
            .formatted(now - 3_000_000_000L, TRACE, now - 2_000_000_000L, now - 1_000_000_000L);
    assertThat(spyglass.sendJson("logs", logs)).isEqualTo(200);
    spyglass.awaitTotal("/api/v1/logs/search", 3);
  }

  @AfterAll
  static void stop() {
    spyglass.close();
  }

  @Test
  void theAppIsServedAtTheRoot_deepLinksToo_butUnknownApiPathsStayJson() throws Exception {
    HttpResponse<String> root = spyglass.get("/");
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body()).contains("<div id=\"app\">");
    assertThat(root.headers().firstValue("cache-control").orElse("")).contains("no-cache");
    assertThat(spyglass.get("/logs/anything").body()).isEqualTo(root.body());
    HttpResponse<String> unknownApi = spyglass.get("/api/nothing-here");
    assertThat(unknownApi.statusCode()).isEqualTo(404);
    assertThat(unknownApi.body()).contains("\"code\":\"not_found\"");
    assertThat(spyglass.get("/api/services").body()).startsWith("{\"data\":");
  }

  @Test
  void logsExplorer_inChromium() throws Exception {
    Path output = Files.createTempFile("ui-browser", ".out");
    Process node =
        new ProcessBuilder(
                "node",
                "tests/logs.browser.mjs",
                "http://127.0.0.1:" + spyglass.api,
                SHOTS.toString())
            .directory(UI.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean finished = node.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      node.destroyForcibly();
    }
    String printed = Files.readString(output);
    assertThat(finished).as("the browser checks finished in 120 s: %s", printed).isTrue();
    assertThat(node.exitValue()).as("the browser checks: %s", printed).isZero();
    assertThat(SHOTS.resolve("logs-search.png")).exists();
  }
}
