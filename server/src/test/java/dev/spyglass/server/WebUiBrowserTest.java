package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
  static final Path UI = Path.of("..", "ui").toAbsolutePath().normalize();
  static final Path SHOTS = Path.of("target", "ui-screenshots").toAbsolutePath();
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final String CHECKOUT = "4bf92f3577b34da6a3ce929d0e0e4736";
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
    seedCheckoutTrace(now - 10_000_000_000L);
    seedMetrics(now);
    spyglass.awaitTotal("/api/v1/logs/search", 14);
    spyglass.awaitTotal("/api/v1/spans/search", 7);
    spyglass.awaitTotal("/api/v1/metrics/search", 18);
  }

  /**
   * A checkout of seven spans over four services, 100 ms long. Charge (30–85 ms) decides its end;
   * audit runs beside it and is not on the critical path; GetCart runs until Charge starts.
   */
  private static void seedCheckoutTrace(long base) throws Exception {
    String[][] spans = {
      // service, span id, parent, name, kind, start ms, end ms
      {"frontend", "00000000000000a1", "", "GET /checkout", "2", "0", "100"},
      {"frontend", "00000000000000b2", "00000000000000a1", "POST checkout", "3", "5", "95"},
      {"checkout", "00000000000000c3", "00000000000000b2", "POST /checkout", "2", "10", "90"},
      {"cart", "00000000000000d4", "00000000000000c3", "GetCart", "2", "15", "35"},
      {"cart", "00000000000000e5", "00000000000000d4", "HGETALL cart:42", "3", "20", "30"},
      {"payment", "00000000000000f6", "00000000000000c3", "Charge", "2", "30", "85"},
      {"checkout", "0000000000000007", "00000000000000c3", "audit", "1", "40", "60"},
    };
    StringBuilder resourceSpans = new StringBuilder();
    for (String[] s : spans) {
      long start = base + Long.parseLong(s[5]) * 1_000_000L;
      long end = base + Long.parseLong(s[6]) * 1_000_000L;
      String attributes =
          switch (s[3]) {
            case "GET /checkout" -> attribute("http.route", "/checkout");
            case "HGETALL cart:42" ->
                attribute("db.system", "redis") + "," + attribute("server.address", "127.0.0.1");
            default -> attribute("http.method", "POST");
          };
      String status =
          s[3].equals("Charge") ? "{\"code\":2,\"message\":\"insufficient funds\"}" : "{}";
      String events =
          s[3].equals("Charge")
              ? "[{\"timeUnixNano\":\"%d\",\"name\":\"retrying\"}]".formatted(start + 10_000_000L)
              : "[]";
      if (!resourceSpans.isEmpty()) {
        resourceSpans.append(',');
      }
      resourceSpans.append(
          """
          {"resource":{"attributes":[%s]},"scopeSpans":[{"scope":{"name":"shop"},"spans":[
            {"traceId":"%s","spanId":"%s","parentSpanId":"%s","name":"%s","kind":%s,
             "startTimeUnixNano":"%d","endTimeUnixNano":"%d","attributes":[%s],"status":%s,"events":%s}]}]}
          """
              .formatted(
                  attribute("service.name", s[0]),
                  CHECKOUT,
                  s[1],
                  s[2],
                  s[3],
                  s[4],
                  start,
                  end,
                  attributes,
                  status,
                  events));
    }
    assertThat(spyglass.sendJson("traces", "{\"resourceSpans\":[" + resourceSpans + "]}"))
        .isEqualTo(200);
    String logs =
        """
        {"resourceLogs":[
          {"resource":{"attributes":[%s]},"scopeLogs":[{"logRecords":[
            {"timeUnixNano":"%d","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"card declined for order 42"},
             "traceId":"%s","spanId":"00000000000000f6"}]}]},
          {"resource":{"attributes":[%s]},"scopeLogs":[{"logRecords":[
            {"timeUnixNano":"%d","severityNumber":9,"severityText":"INFO","body":{"stringValue":"cart 42 loaded"},
             "traceId":"%s","spanId":"00000000000000d4"}]}]}]}
        """
            .formatted(
                attribute("service.name", "payment"),
                base + 80_000_000L,
                CHECKOUT,
                attribute("service.name", "cart"),
                base + 33_000_000L,
                CHECKOUT);
    assertThat(spyglass.sendJson("logs", logs)).isEqualTo(200);
    // For the patterns tab: six failed logins by different users, three accepted ones.
    StringBuilder sshd = new StringBuilder();
    String[] users = {"admin", "oracle", "test", "guest", "root", "ubuntu"};
    for (int i = 0; i < users.length + 3; i++) {
      String body =
          i < users.length
              ? "Invalid user " + users[i] + " from 10.0.0." + (i + 1)
              : "Accepted password for git from 10.0.1." + i + " port " + (40000 + i) + " ssh2";
      if (!sshd.isEmpty()) {
        sshd.append(',');
      }
      sshd.append(
          "{\"timeUnixNano\":\"%d\",\"severityText\":\"INFO\",\"body\":{\"stringValue\":\"%s\"}}"
              .formatted(base + i * 1_000_000L, body));
    }
    assertThat(
            spyglass.sendJson(
                "logs",
                "{\"resourceLogs\":[{\"resource\":{\"attributes\":[%s]},\"scopeLogs\":[{\"logRecords\":[%s]}]}]}"
                    .formatted(attribute("service.name", "sshd"), sshd)))
        .isEqualTo(200);
  }

  /**
   * A gauge per queue (a, b) and a cumulative counter, a point a minute for the last six minutes.
   */
  private static void seedMetrics(long now) throws Exception {
    StringBuilder gauge = new StringBuilder();
    StringBuilder counter = new StringBuilder();
    for (int minute = 6; minute >= 1; minute--) {
      long at = now - minute * 60_000_000_000L;
      for (String queue : new String[] {"a", "b"}) {
        if (!gauge.isEmpty()) {
          gauge.append(',');
        }
        gauge.append(
            "{\"timeUnixNano\":\"%d\",\"asInt\":\"%d\",\"attributes\":[%s]}"
                .formatted(
                    at, queue.equals("a") ? minute * 10 : minute, attribute("queue", queue)));
      }
      if (!counter.isEmpty()) {
        counter.append(',');
      }
      counter.append(
          "{\"startTimeUnixNano\":\"%d\",\"timeUnixNano\":\"%d\",\"asInt\":\"%d\"}"
              .formatted(now - 600_000_000_000L, at, (7 - minute) * 600));
    }
    String metrics =
        """
        {"resourceMetrics":[{"resource":{"attributes":[%s]},"scopeMetrics":[{"metrics":[
          {"name":"queue.depth","unit":"{message}","gauge":{"dataPoints":[%s]}},
          {"name":"http.requests","unit":"{request}","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[%s]}}]}]}]}
        """
            .formatted(attribute("service.name", "checkout"), gauge, counter);
    assertThat(spyglass.sendJson("metrics", metrics)).isEqualTo(200);
  }

  private static String attribute(String key, String value) {
    return "{\"key\":\"%s\",\"value\":{\"stringValue\":\"%s\"}}".formatted(key, value);
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
    browse("logs", "otlp=http://127.0.0.1:" + spyglass.otlpHttp);
    assertThat(SHOTS.resolve("logs-search.png")).exists();
  }

  @Test
  void tracesAndTraceView_inChromium() throws Exception {
    browse("traces", "trace=" + CHECKOUT);
    assertThat(SHOTS.resolve("trace-view.png")).exists();
  }

  @Test
  void servicesAndServiceMap_inChromium() throws Exception {
    browse("services");
    assertThat(SHOTS.resolve("services.png")).exists();
  }

  @Test
  void logPatterns_inChromium() throws Exception {
    browse("patterns");
    assertThat(SHOTS.resolve("logs-patterns.png")).exists();
  }

  @Test
  void metrics_inChromium() throws Exception {
    browse("metrics");
    assertThat(SHOTS.resolve("metrics.png")).exists();
  }

  /** Runs {@code ui/tests/<suite>.browser.mjs} in chromium against this Spyglass. */
  static void browse(InProcessSpyglass target, String suite, String... facts) throws Exception {
    browse(target.api, suite, facts);
  }

  /** Runs the browser checks {@code suite} against the API on {@code apiPort}. */
  static void browse(int apiPort, String suite, String... facts) throws Exception {
    Path output = Files.createTempFile("ui-browser", ".out");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of("node", "tests/run.mjs", "http://127.0.0.1:" + apiPort, SHOTS.toString(), suite));
    command.addAll(List.of(facts));
    Process node =
        new ProcessBuilder(command)
            .directory(UI.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean finished = node.waitFor(150, TimeUnit.SECONDS);
    if (!finished) {
      node.destroyForcibly();
    }
    String printed = Files.readString(output);
    assertThat(finished).as("the %s checks finished in 150 s: %s", suite, printed).isTrue();
    assertThat(node.exitValue()).as("the %s checks: %s", suite, printed).isZero();
  }

  private static void browse(String suite, String... facts) throws Exception {
    browse(spyglass, suite, facts);
  }
}
