package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spyglass.patterns.LoghubEvaluation;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log patterns as a user meets them: Loghub's 2,000 OpenSSH lines sent over OTLP/HTTP (Content as
 * the body), then the patterns endpoint, pattern.id in queries, hits and exports.
 */
class LogPatternsApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path LOGHUB = Path.of("..", "..", "shared", "data", "loghub");
  private static final String RANGE = "start=now-1h&end=now%2B1m";
  @TempDir static Path dir;
  private static InProcessSpyglass spyglass;
  private static Map<String, Integer> truth = new HashMap<>();

  @BeforeAll
  static void ingest() throws Exception {
    spyglass = new InProcessSpyglass(dir);
    List<String[]> rows =
        LoghubEvaluation.csv(
            Files.readString(LOGHUB.resolve("OpenSSH").resolve("OpenSSH_2k.log_structured.csv")));
    List<String> header = List.of(rows.getFirst());
    int content = header.indexOf("Content");
    int template = header.indexOf("EventTemplate");
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 1; i < rows.size(); i++) {
      truth.merge(rows.get(i)[template], 1, Integer::sum);
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(now - 600_000_000_000L + i * 100_000_000L)
              .setSeverityText("INFO")
              .setBody(AnyValue.newBuilder().setStringValue(rows.get(i)[content])));
      if (scope.getLogRecordsCount() == 500 || i == rows.size() - 1) {
        ExportLogsServiceRequest request =
            ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(
                    ResourceLogs.newBuilder()
                        .setResource(
                            Resource.newBuilder()
                                .addAttributes(
                                    KeyValue.newBuilder()
                                        .setKey("service.name")
                                        .setValue(AnyValue.newBuilder().setStringValue("sshd"))))
                        .addScopeLogs(scope))
                .build();
        assertThat(spyglass.send("logs", "application/x-protobuf", request.toByteArray()))
            .isEqualTo(200);
        scope = ScopeLogs.newBuilder();
      }
    }
  }

  @AfterAll
  static void stop() {
    spyglass.close();
  }

  private static JsonNode get(String path, int status) throws Exception {
    var response = spyglass.get(path);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }

  private static JsonNode patterns(String extra) throws Exception {
    return get("/api/v1/logs/patterns?" + RANGE + extra, 200);
  }

  @Test
  void patterns_areLoghubsTemplates_countedExactly() throws Exception {
    JsonNode answer =
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> patterns("&limit=1000"), a -> a.get("total").asLong() == 2000);
    JsonNode list = answer.get("patterns");
    assertThat(answer.get("pattern_count").asInt()).isEqualTo(truth.size());
    long sum = 0;
    for (JsonNode pattern : list) {
      sum += pattern.get("count").asLong();
      assertThat(pattern.get("id").asText()).matches("[0-9a-f]{16}");
      assertThat(pattern.get("service.name").asText()).isEqualTo("sshd");
      assertThat(pattern.get("new").asBoolean()).isTrue();
      assertThat(pattern.get("previous_count").asLong()).isZero();
      long histogram = 0;
      for (JsonNode bucket : pattern.get("histogram")) {
        histogram += bucket.get("count").asLong();
      }
      assertThat(histogram).isEqualTo(pattern.get("count").asLong());
      assertThat(pattern.get("sample").get("pattern.id").asText())
          .isEqualTo(pattern.get("id").asText());
    }
    assertThat(sum).isEqualTo(2000);
    // The most frequent pattern is the most frequent template, with the same count.
    Map.Entry<String, Integer> top =
        truth.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    assertThat(list.get(0).get("count").asInt()).isEqualTo(top.getValue());
    assertThat(list.get(0).get("first_seen").asText())
        .isLessThan(list.get(0).get("last_seen").asText());
  }

  @Test
  void valuesBehindWildcards_patternIdQueries_hitsAndExports() throws Exception {
    await().atMost(Duration.ofSeconds(15)).until(() -> patterns("").get("total").asLong() == 2000);
    JsonNode invalid = null;
    for (JsonNode pattern : patterns("&limit=1000").get("patterns")) {
      if (pattern.get("template").asText().equals("Invalid user <*> from <*>")) {
        invalid = pattern;
      }
    }
    assertThat(invalid).as("the pattern of invalid users").isNotNull();
    JsonNode users = invalid.get("values").get(0);
    assertThat(users).isNotEmpty();
    assertThat(users.get(0).get("count").asInt()).isPositive();
    assertThat(invalid.get("values_sampled").asInt()).isPositive();
    String id = invalid.get("id").asText();
    JsonNode found =
        get("/api/v1/logs/search?q=" + enc("pattern.id:" + id) + "&" + RANGE + "&limit=5", 200);
    assertThat(found.get("total").asLong()).isEqualTo(invalid.get("count").asLong());
    JsonNode hit = found.get("hits").get(0);
    assertThat(hit.get("pattern.id").asText()).isEqualTo(id);
    assertThat(hit.get("pattern.template").asText()).isEqualTo("Invalid user <*> from <*>");
    assertThat(hit.get("body").asText()).startsWith("Invalid user ");
    // Excluding it, as the UI's "exclude" does.
    JsonNode without =
        get("/api/v1/logs/search?q=" + enc("NOT pattern.id:" + id) + "&" + RANGE + "&limit=1", 200);
    assertThat(without.get("total").asLong()).isEqualTo(2000 - invalid.get("count").asLong());
    String csv =
        spyglass
            .get("/api/v1/logs/export?format=csv&q=" + enc("pattern.id:" + id) + "&" + RANGE)
            .body();
    assertThat(csv.lines().findFirst().orElseThrow()).endsWith(",pattern.id,pattern.template");
    assertThat(csv.lines().skip(1).findFirst().orElseThrow())
        .endsWith("," + id + ",Invalid user <*> from <*>");
    String otlp =
        spyglass
            .get("/api/v1/logs/export?format=otlp-json&q=" + enc("pattern.id:" + id) + "&" + RANGE)
            .body();
    assertThat(otlp)
        .contains("{\"key\":\"pattern.id\",\"value\":{\"stringValue\":\"" + id + "\"}}");
  }

  @Test
  void filters_newAndChanged_andBadInput() throws Exception {
    await().atMost(Duration.ofSeconds(15)).until(() -> patterns("").get("total").asLong() == 2000);
    assertThat(patterns("&filter=new&limit=1000").get("patterns")).hasSize(truth.size());
    assertThat(patterns("&filter=changed&limit=1000").get("patterns")).hasSize(truth.size());
    // A window after all records: nothing in it, so nothing is new or changed there.
    JsonNode later = get("/api/v1/logs/patterns?start=now%2B2m&end=now%2B3m", 200);
    assertThat(later.get("patterns")).isEmpty();
    JsonNode narrowed = patterns("&q=" + enc("body:\"Accepted password\""));
    assertThat(narrowed.get("patterns"))
        .allSatisfy(p -> assertThat(p.get("template").asText()).startsWith("Accepted password"));
    JsonNode bad = get("/api/v1/logs/patterns?filter=old", 400);
    assertThat(bad.get("error").get("message").asText()).contains("filter");
    assertThat(get("/api/v1/logs/patterns?limit=0", 400).get("error").get("code").asText())
        .isNotEmpty();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
