package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.service.Service;
import dev.spyglass.server.config.ConfigLoader;
import io.opentelemetry.api.metrics.MeterProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tenant across Spyglass instances and ingest tokens (issue 20, ADR 0022): an edge Spyglass
 * without tenants forwards each batch with its {@code X-Scope-OrgID} (over gRPC and HTTP, through
 * its disk queue), so that the central one stores it as that tenant's; an ingest token bound to a
 * tenant sends that tenant's data and cannot claim another's.
 */
class TenantForwardingTest {
  private static final String RELAY = "relay-token-0000001";
  private static final String TEAM_A = "team-a-ingest-token-01";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path dir;
  private static final List<Service> running = new ArrayList<>();
  private static int centralHttp;
  private static int centralApi;
  private static int edgeHttp;

  private static void start(String yaml) {
    Service service =
        Service.create(
            ConfigLoader.create(ComponentRegistry.factories()).parse(yaml, "test.yaml"),
            ComponentRegistry.factories(),
            MeterProvider.noop());
    service.start();
    running.add(service);
  }

  @BeforeAll
  static void startBoth() throws Exception {
    int centralGrpc = SpyglassProcess.freePort();
    centralHttp = SpyglassProcess.freePort();
    centralApi = SpyglassProcess.freePort();
    edgeHttp = SpyglassProcess.freePort();
    String auth =
        "auth: { bearer_tokens: [%s], tenant_tokens: [{ token: %s, tenant: team-a }] }"
            .formatted(RELAY, TEAM_A);
    start(
        """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:%d, %s }
              http: { endpoint: 127.0.0.1:%d, %s }
        exporters:
          spyglass: { path: %s, refresh_interval: 100ms, multitenancy: { enabled: true } }
        extensions:
          api: { endpoint: 127.0.0.1:%d }
        service:
          extensions: [api]
          pipelines:
            logs: { receivers: [otlp], exporters: [spyglass] }
        """
            .formatted(centralGrpc, auth, centralHttp, auth, dir.resolve("central"), centralApi));
    start(
        """
        receivers:
          otlp: { protocols: { http: { endpoint: 127.0.0.1:%d } } }
        exporters:
          otlp:
            endpoint: 127.0.0.1:%d
            tls: { insecure: true }
            headers: { authorization: "Bearer %s" }
            sending_queue: { storage: file_storage }
          otlphttp:
            endpoint: http://127.0.0.1:%d
            headers: { authorization: "Bearer %s" }
        extensions:
          file_storage: { directory: %s }
        service:
          extensions: [file_storage]
          pipelines:
            logs/grpc: { receivers: [otlp], processors: [batch], exporters: [otlp] }
            logs/http: { receivers: [otlp], processors: [batch], exporters: [otlphttp] }
        processors:
          batch: { timeout: 50ms }
        """
            .formatted(
                edgeHttp, centralGrpc, RELAY, centralHttp, RELAY, dir.resolve("edge-queue")));
  }

  @AfterAll
  static void stopAll() {
    running.reversed().forEach(Service::shutdown);
  }

  private static int post(int port, String token, String tenant, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/logs"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":"
                        + "{\"stringValue\":\""
                        + body
                        + "\"}}]}]}]}"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (tenant != null) {
      request.header("X-Scope-OrgID", tenant);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String search(String tenant, String q) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + centralApi
                            + "/api/v1/logs/search?start=now-1h&limit=100&q="
                            + q))
                .header("X-Scope-OrgID", tenant)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void theEdgeForwardsEachBatchWithItsTenant() throws Exception {
    assertThat(post(edgeHttp, null, "team-b", "forwarded-for-b")).isEqualTo(200);
    assertThat(post(edgeHttp, null, "team-c", "forwarded-for-c")).isEqualTo(200);
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(search("team-b", "forwarded*"))
                        .path("total")
                        .asLong()
                    == 2);
    // Both exporters (gRPC through the disk queue, and HTTP) delivered it: twice, as team-b's.
    assertThat(search("team-b", "forwarded*")).doesNotContain("forwarded-for-c");
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> search("team-c", "forwarded*").contains("forwarded-for-c"));
    assertThat(search("team-c", "forwarded*")).doesNotContain("forwarded-for-b");
  }

  @Test
  void anIngestTokenBoundToATenant_sendsThatTenantsData_only() throws Exception {
    assertThat(post(centralHttp, TEAM_A, null, "bound-to-a")).isEqualTo(200);
    assertThat(post(centralHttp, TEAM_A, "team-a", "bound-to-a-again")).isEqualTo(200);
    assertThat(post(centralHttp, TEAM_A, "team-b", "claims-b")).isEqualTo(403);
    assertThat(post(centralHttp, RELAY, null, "no-tenant")).isEqualTo(400);
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> search("team-a", "bound*").contains("bound-to-a-again"));
    assertThat(search("team-a", "bound*")).contains("bound-to-a");
    assertThat(search("team-b", "claims*")).doesNotContain("claims-b");
  }
}
