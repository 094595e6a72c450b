package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import dev.spyglass.pipeline.testing.TestCertificates;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The API port over HTTPS with client certificates (issue 20): without a certificate from {@code
 * client_ca_file} no connection is made at all; a certificate whose subject {@code auth.clients}
 * maps to a role acts with that role, without a token; an unmapped certificate still needs a token;
 * {@code spyglass snapshot create} reaches it with its own certificate.
 */
class ApiTlsTest {
  private static final String READ = "tls-read-token-31415";
  @TempDir static Path dir;
  private static InProcessSpyglass spyglass;
  private static final List<ClientFactory> factories = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    TestCertificates.make(dir);
    TestCertificates.makeClient(dir, "ops", "/O=Example/CN=ops");
    TestCertificates.makeClient(dir, "grafana", "/CN=grafana");
    spyglass =
        new InProcessSpyglass(
            dir.resolve("data"),
            InProcessSpyglass.EVERY_SIGNAL_TO_THE_STORE.replace(
                "api: { endpoint: 127.0.0.1:%3$d }",
                """
                api:
                    endpoint: 127.0.0.1:%3$d
                    snapshots: { directory: DIR/snapshots }
                    tls:
                      cert_file: DIR/server.crt
                      key_file: DIR/server.key
                      client_ca_file: DIR/ca.crt
                    auth:
                      tokens: [{ name: dashboards, token: READ }]
                      clients:
                        - { subject: "CN=ops, O=Example", role: admin }
                        - { name: grafana, subject: "cn=grafana" }
                """
                    .replace("DIR", dir.toString())
                    .replace("READ", READ)));
    assertThat(
            spyglass.sendJson(
                "logs",
                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":"
                    + "{\"stringValue\":\"over tls\"}}]}]}]}"))
        .isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    spyglass.close();
    factories.forEach(ClientFactory::close);
  }

  /** A client that trusts the test CA and presents {@code certificate}'s pair (null: none). */
  private static WebClient client(String certificate) {
    ClientFactory factory =
        ClientFactory.builder()
            .tlsCustomizer(
                tls -> {
                  tls.trustManager(new File(dir.toFile(), "ca.crt"));
                  if (certificate != null) {
                    tls.keyManager(
                        new File(dir.toFile(), certificate + ".crt"),
                        new File(dir.toFile(), certificate + ".key"));
                  }
                })
            .build();
    factories.add(factory);
    return WebClient.builder("https://127.0.0.1:" + spyglass.api)
        .factory(factory)
        .responseTimeout(Duration.ofSeconds(20))
        .build();
  }

  private static AggregatedHttpResponse send(
      WebClient client, HttpMethod method, String path, String token, String body) {
    RequestHeadersBuilder headers = RequestHeaders.builder(method, path);
    if (token != null) {
      headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
    }
    if (body != null) {
      headers.contentType(MediaType.JSON_UTF_8);
      return client.execute(headers.build(), body).aggregate().join();
    }
    return client.execute(headers.build()).aggregate().join();
  }

  private static AggregatedHttpResponse search(WebClient client, String token) {
    return send(client, HttpMethod.GET, "/api/v1/logs/search?q=tls&start=now-1h", token, null);
  }

  private static AggregatedHttpResponse snapshot(WebClient client, String name) {
    return send(
        client, HttpMethod.POST, "/api/v1/admin/snapshots", null, "{\"name\": \"" + name + "\"}");
  }

  @Test
  void withoutAClientCertificate_noConnectionIsMade_evenWithAToken() {
    assertThatThrownBy(() -> search(client(null), READ)).hasRootCauseInstanceOf(Exception.class);
    assertThatThrownBy(
            () ->
                java.net.http.HttpClient.newHttpClient()
                    .send(
                        java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(
                                    "http://127.0.0.1:" + spyglass.api + "/healthz"))
                            .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()))
        .as("plain HTTP on the HTTPS port")
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void aMappedCertificate_actsWithItsRole_withoutAToken() {
    WebClient ops = client("ops");
    WebClient grafana = client("grafana");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> search(grafana, null).contentUtf8().contains("over tls"));
    assertThat(search(ops, null).status().code()).isEqualTo(200);

    AggregatedHttpResponse forbidden = snapshot(grafana, "by-grafana");
    assertThat(forbidden.status().code()).as(forbidden.contentUtf8()).isEqualTo(403);
    assertThat(dir.resolve("snapshots/by-grafana")).doesNotExist();

    AggregatedHttpResponse taken = snapshot(ops, "by-ops");
    assertThat(taken.status().code()).as(taken.contentUtf8()).isEqualTo(200);
    assertThat(dir.resolve("snapshots/by-ops/checkpoint")).exists();
  }

  @Test
  void anUnmappedCertificate_stillNeedsAToken() {
    WebClient client = client("client");
    AggregatedHttpResponse refused = search(client, null);
    assertThat(refused.status().code()).isEqualTo(401);
    assertThat(refused.contentUtf8()).doesNotContain("over tls");
    assertThat(search(client, READ).status().code()).isEqualTo(200);
    assertThat(send(client, HttpMethod.GET, "/healthz", null, null).status().code()).isEqualTo(200);
  }

  @Test
  void theSnapshotCommand_comesWithItsCertificate() {
    String[] common = {
      "snapshot",
      "create",
      "--api",
      "https://127.0.0.1:" + spyglass.api,
      "--ca-file",
      dir.resolve("ca.crt").toString()
    };
    List<String> withOps = new ArrayList<>(List.of(common));
    withOps.addAll(
        List.of(
            "from-cli",
            "--cert-file",
            dir.resolve("ops.crt").toString(),
            "--key-file",
            dir.resolve("ops.key").toString()));
    assertThat(new CommandLine(new Main()).execute(withOps.toArray(String[]::new))).isZero();
    assertThat(dir.resolve("snapshots/from-cli/checkpoint")).exists();

    List<String> asGrafana = new ArrayList<>(List.of(common));
    asGrafana.addAll(
        List.of(
            "by-grafana-cli",
            "--cert-file",
            dir.resolve("grafana.crt").toString(),
            "--key-file",
            dir.resolve("grafana.key").toString()));
    assertThat(new CommandLine(new Main()).execute(asGrafana.toArray(String[]::new))).isEqualTo(1);
    assertThat(dir.resolve("snapshots/by-grafana-cli")).doesNotExist();
  }
}
