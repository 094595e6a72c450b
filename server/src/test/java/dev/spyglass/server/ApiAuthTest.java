package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.spyglass.proto.query.v1.QueryServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API port with {@code auth} (issue 20): no token, no data — over HTTP and gRPC — while health
 * checks and the UI's files stay open; a {@code read} token reads but cannot take a snapshot; an
 * {@code admin} token can; tokens also come from a file.
 */
class ApiAuthTest {
  private static final String READ = "read-token-0123456789";
  private static final String ADMIN = "admin-token-9876543210";
  private static final String FROM_FILE = "file-token-abcdef";
  @TempDir static Path dir;
  private static InProcessSpyglass spyglass;

  @BeforeAll
  static void start() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "# role token name\nread " + FROM_FILE + " grafana\n");
    spyglass =
        new InProcessSpyglass(
            dir.resolve("data"),
            InProcessSpyglass.EVERY_SIGNAL_TO_THE_STORE.replace(
                "api: { endpoint: 127.0.0.1:%3$d }",
                """
                api:
                    endpoint: 127.0.0.1:%3$d
                    snapshots: { directory: SNAPSHOTS }
                    auth:
                      tokens:
                        - { name: dashboards, token: READ }
                        - { name: ops, token: ADMIN, role: admin }
                      tokens_file: TOKENS
                """
                    .replace("SNAPSHOTS", dir.resolve("snapshots").toString())
                    .replace("READ", READ)
                    .replace("ADMIN", ADMIN)
                    .replace("TOKENS", tokens.toString())));
    assertThat(
            spyglass.sendJson(
                "logs",
                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":"
                    + "{\"stringValue\":\"secret record\"}}]}]}]}"))
        .isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    spyglass.close();
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + spyglass.api + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return spyglass.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> snapshot(String name, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + spyglass.api + "/api/v1/admin/snapshots"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + name + "\"}"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return spyglass.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutAValidToken_nothingIsRead_401WithAJsonBody() throws Exception {
    List<String> reads =
        List.of(
            "/api/v1/logs/search?q=secret&start=now-1h",
            "/api/v1/logs/export?q=secret&start=now-1h",
            "/api/v1/fields?signal=logs",
            "/api/services",
            "/api/v3/services",
            "/api/v1/alerts");
    for (String path : reads) {
      for (String token : new String[] {null, "wrong", READ + "x", ""}) {
        HttpResponse<String> refused = get(path, token);
        assertThat(refused.statusCode()).as("%s with %s", path, token).isEqualTo(401);
        assertThat(refused.headers().firstValue("www-authenticate"))
            .hasValue("Bearer realm=\"spyglass\"");
        assertThat(refused.body()).contains("unauthenticated").doesNotContain("secret record");
      }
    }
    assertThat(snapshot("no-token", null).statusCode()).isEqualTo(401);
    assertThat(dir.resolve("snapshots/no-token")).doesNotExist();
  }

  @Test
  void grpcQueries_needATokenToo() {
    var stub =
        GrpcClients.newClient(
            "http://127.0.0.1:" + spyglass.api, QueryServiceGrpc.QueryServiceBlockingStub.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                stub.search(
                    dev.spyglass.proto.query.v1.SearchRequest.newBuilder()
                        .setSignal(dev.spyglass.proto.query.v1.Signal.SIGNAL_LOGS)
                        .setQuery("secret")
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void theUi_asksForAToken_sendsItAsAHeader_neverInAUrl() throws Exception {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(
            () ->
                get("/api/v1/logs/search?q=secret&start=now-1h", READ)
                    .body()
                    .contains("secret record"));
    WebUiBrowserTest.browse(spyglass, "auth", "token=" + READ);
  }

  @Test
  void healthChecksAndTheUisFiles_stayOpen() throws Exception {
    assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
    assertThat(get("/readyz", null).statusCode()).isEqualTo(200);
    HttpResponse<String> ui = get("/", null);
    assertThat(ui.statusCode()).isEqualTo(200);
    assertThat(ui.body()).contains("<html").doesNotContain("secret record");
  }

  @Test
  void aReadToken_reads_butCannotTakeASnapshot_anAdminTokenCan() throws Exception {
    for (String token : new String[] {READ, FROM_FILE, ADMIN}) {
      HttpResponse<String> read = get("/api/v1/logs/search?q=secret&start=now-1h", token);
      assertThat(read.statusCode()).as(token).isEqualTo(200);
    }
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(
            () ->
                get("/api/v1/logs/search?q=secret&start=now-1h", READ)
                    .body()
                    .contains("secret record"));

    HttpResponse<String> forbidden = snapshot("by-reader", READ);
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(dir.resolve("snapshots/by-reader")).doesNotExist();

    HttpResponse<String> taken = snapshot("by-admin", ADMIN);
    assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
    assertThat(dir.resolve("snapshots/by-admin/checkpoint")).exists();
  }
}
