package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query deadline over HTTP: one Spyglass, 120,000 log records, two API ports on the same store
 * — {@code api} with a deadline of 1 ms that every one of these reads runs past, {@code
 * api/patient} with the default 10 s. The impatient one answers JSON with {@code partial: true} (or
 * a 503 JSON error where a part means nothing), the patient one the whole answer.
 */
class QueryDeadlineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RECORDS = 120_000;
  @TempDir static Path dir;
  private static InProcessSpyglass spyglass;
  private static int patient;

  @BeforeAll
  static void ingest() throws Exception {
    patient = SpyglassProcess.freePort();
    spyglass =
        new InProcessSpyglass(
            dir,
            """
            receivers:
              otlp: { protocols: { http: { endpoint: 127.0.0.1:%1$d } } }
            exporters:
              # /.*9.*/ below reads every term; it takes allowing leading wildcards.
              spyglass: { path: %2$s, refresh_interval: 100ms, query: { allow_leading_wildcard: true } }
            extensions:
              api: { endpoint: 127.0.0.1:%3$d, storage: spyglass, query_timeout: 1ms }
              api/patient: { endpoint: 127.0.0.1:PATIENT }
            service:
              extensions: [api, api/patient]
              pipelines:
                logs: { receivers: [otlp], exporters: [spyglass] }
            """
                .replace("PATIENT", Integer.toString(patient)));
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int batch = 0; batch < RECORDS / 10_000; batch++) {
      ScopeLogs.Builder scope = ScopeLogs.newBuilder();
      for (int i = 0; i < 10_000; i++) {
        int n = batch * 10_000 + i;
        scope.addLogRecords(
            LogRecord.newBuilder()
                .setTimeUnixNano(now - 1_000_000_000L - n * 10_000L)
                .setSeverityNumberValue(9 + (n % 3) * 4)
                .setSeverityText(new String[] {"INFO", "WARN", "ERROR"}[n % 3])
                .setBody(
                    AnyValue.newBuilder()
                        .setStringValue("request " + n + " took " + n % 997 + " ms")));
      }
      ExportLogsServiceRequest request =
          ExportLogsServiceRequest.newBuilder()
              .addResourceLogs(
                  ResourceLogs.newBuilder()
                      .setResource(
                          Resource.newBuilder()
                              .addAttributes(
                                  KeyValue.newBuilder()
                                      .setKey("service.name")
                                      .setValue(
                                          AnyValue.newBuilder()
                                              .setStringValue("svc-" + batch % 4))))
                      .addScopeLogs(scope))
              .build();
      assertThat(spyglass.send("logs", "application/x-protobuf", request.toByteArray()))
          .isEqualTo(200);
    }
    awaitPatientTotal("/api/v1/logs/search?start=now-1h&limit=1", RECORDS);
  }

  @AfterAll
  static void stop() {
    spyglass.close();
  }

  private static HttpResponse<String> patient(String pathAndQuery) throws Exception {
    return spyglass.http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + patient + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitPatientTotal(String search, long total) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> JSON.readTree(patient(search).body()).get("total").asLong() == total);
  }

  private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type").orElse(""))
        .startsWith("application/json");
    return JSON.readTree(response.body());
  }

  private static String q(String query) {
    return URLEncoder.encode(query, StandardCharsets.UTF_8);
  }

  @Test
  void anAggregationPastTheDeadline_answersWhatItHad_flaggedPartial() throws Exception {
    String aggregate =
        "/api/v1/logs/aggregate?start=now-1h&group_by=service.name,severity_text&interval=1m"
            + "&metrics="
            + q("count,p99(severity_number)");

    JsonNode cut = json(spyglass.get(aggregate), 200);
    JsonNode whole = json(patient(aggregate), 200);

    assertThat(cut.get("partial").asBoolean()).isTrue();
    assertThat(cut.get("total").asLong()).isLessThan(RECORDS);
    assertThat(whole.get("partial").asBoolean()).isFalse();
    assertThat(whole.get("total").asLong()).isEqualTo(RECORDS);
  }

  @Test
  void aSearchWhoseRegexExpandsPastTheDeadline_isPartial_notTheServersPlainTimeout()
      throws Exception {
    String search = "/api/v1/logs/search?start=now-1h&q=" + q("body:/.*9.*/");

    JsonNode cut = json(spyglass.get(search), 200);
    JsonNode whole = json(patient(search), 200);

    assertThat(cut.get("partial").asBoolean()).isTrue();
    assertThat(whole.get("partial").asBoolean()).isFalse();
    assertThat(whole.get("total").asLong()).isGreaterThan(cut.get("total").asLong());
  }

  @Test
  void anExportWhoseFirstPageRunsPastTheDeadline_isA503JsonError_notABrokenStream()
      throws Exception {
    // Expanding the regular expression over 120,000 distinct words alone takes longer than 1 ms.
    String export = "/api/v1/logs/export?start=now-1h&format=csv&q=" + q("body:/.*9.*/");

    JsonNode refused = json(spyglass.get(export), 503);
    assertThat(refused.get("error").get("code").asText()).isEqualTo("query_timeout");
    HttpResponse<String> whole = patient(export);
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body().lines().count())
        .isEqualTo(
            json(patient("/api/v1/logs/search?start=now-1h&limit=1&q=" + q("body:/.*9.*/")), 200)
                    .get("total")
                    .asLong()
                + 1);
  }
}
