package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.embedded.SnapshotKey;
import dev.spyglass.storage.embedded.StoreConfig;
import dev.spyglass.storage.embedded.TelemetryStore;
import io.opentelemetry.api.metrics.MeterProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Encrypted snapshots the way a user takes them (issue 20): {@code snapshots.encryption_key_file}
 * encrypts what the API writes; {@code snapshot create --encrypt-key-file K} brings another key;
 * {@code snapshot restore --decrypt-key-file} refuses the wrong key and restores with the right one
 * among several (key rotation).
 */
class EncryptedSnapshotCommandTest {
  @TempDir static Path dir;
  private static InProcessSpyglass spyglass;
  private static Path configuredKey;
  private static Path cliKey;

  private static Path keyFile(String name) throws Exception {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    Path file = dir.resolve(name);
    Files.writeString(file, Base64.getEncoder().encodeToString(bytes) + "\n");
    return file;
  }

  @BeforeAll
  static void start() throws Exception {
    configuredKey = keyFile("configured.key");
    cliKey = keyFile("cli.key");
    spyglass =
        new InProcessSpyglass(
            dir.resolve("data"),
            InProcessSpyglass.EVERY_SIGNAL_TO_THE_STORE.replace(
                "api: { endpoint: 127.0.0.1:%3$d }",
                "api: { endpoint: 127.0.0.1:%3$d, snapshots: { directory: DIR/snapshots,"
                        .replace("DIR", dir.toString())
                    + " encryption_key_file: "
                    + configuredKey
                    + " } }"));
    for (int i = 0; i < 5; i++) {
      assertThat(
              spyglass.sendJson(
                  "logs",
                  "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":"
                      + "{\"stringValue\":\"encrypt me "
                      + i
                      + "\"}}]}]}]}"))
          .isEqualTo(200);
    }
  }

  @AfterAll
  static void stop() {
    spyglass.close();
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return spyglass.http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + spyglass.api + "/api/v1/admin/snapshots"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Runs the CLI in this JVM; its exit code, with what it printed to stderr in {@code err}. */
  private static int cli(StringBuilder err, String... args) {
    PrintStream before = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      return new CommandLine(new Main()).execute(args);
    } finally {
      System.setErr(before);
      err.append(captured.toString(StandardCharsets.UTF_8));
    }
  }

  private static long records(Path data) throws Exception {
    StoreConfig config = StoreConfig.defaults().at(data); // only read: backpressure never applies
    try (TelemetryStore store =
        TelemetryStore.open(
            config, LoggerFactory.getLogger("restored"), MeterProvider.noop().get("t"))) {
      return store
          .reader()
          .search(SearchRequest.of(Signal.LOGS, "body:encrypt", Long.MIN_VALUE, Long.MAX_VALUE, 10))
          .total();
    }
  }

  @Test
  void theApi_encryptsWithTheConfiguredKey_theCliWithItsOwn_restoreNeedsTheRightOne()
      throws Exception {
    HttpResponse<String> taken = post("{\"name\": \"nightly\"}");
    assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
    String configuredId = SnapshotKey.read(configuredKey).id();
    assertThat(taken.body()).contains("\"encrypted\":true", "\"key_id\":\"" + configuredId + "\"");
    assertThat(dir.resolve("snapshots/nightly/snapshot.json")).exists();
    assertThat(dir.resolve("snapshots/nightly/checkpoint")).doesNotExist();

    StringBuilder err = new StringBuilder();
    assertThat(
            cli(
                err,
                "snapshot",
                "create",
                "by-cli",
                "--api",
                "http://127.0.0.1:" + spyglass.api,
                "--encrypt-key-file",
                cliKey.toString()))
        .as(err.toString())
        .isZero();
    String cliId = SnapshotKey.read(cliKey).id();
    assertThat(Files.readString(dir.resolve("snapshots/by-cli/snapshot.json"))).contains(cliId);

    Path wrong = dir.resolve("restored-wrong");
    StringBuilder refused = new StringBuilder();
    assertThat(
            cli(
                refused,
                "snapshot",
                "restore",
                dir.resolve("snapshots/by-cli").toString(),
                "--data",
                wrong.toString(),
                "--decrypt-key-file",
                configuredKey.toString()))
        .isEqualTo(1);
    assertThat(refused.toString()).contains("wrong key", cliId);
    assertThat(!Files.exists(wrong) || Files.list(wrong).findAny().isEmpty()).isTrue();

    for (String name : new String[] {"nightly", "by-cli"}) {
      Path restored = dir.resolve("restored-" + name);
      StringBuilder restoring = new StringBuilder();
      assertThat(
              cli(
                  restoring,
                  "snapshot",
                  "restore",
                  dir.resolve("snapshots").resolve(name).toString(),
                  "--data",
                  restored.toString(),
                  "--decrypt-key-file",
                  configuredKey.toString(),
                  "--decrypt-key-file",
                  cliKey.toString()))
          .as(restoring.toString())
          .isZero();
      Awaitility.await().until(() -> records(restored) == 5);
    }
  }

  @Test
  void aMalformedKeyInTheRequest_is400_andNothingIsWritten() throws Exception {
    HttpResponse<String> refused =
        post("{\"name\": \"bad-key\", \"encryption_key\": \"c2hvcnQ=\"}");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("invalid_key", "32 bytes");
    assertThat(dir.resolve("snapshots/bad-key")).doesNotExist();
  }
}
