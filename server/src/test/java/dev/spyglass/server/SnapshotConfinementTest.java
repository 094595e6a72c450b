package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/admin/snapshots} writes only inside {@code snapshots.directory} (issue 20):
 * names, not paths; no traversal, no symbolic link, no other content type than JSON, no other
 * site's {@code Origin} — and a refused request writes nothing anywhere.
 */
class SnapshotConfinementTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static Path snapshots;
  private static Path outside;
  private static InProcessSpyglass spyglass;

  @BeforeAll
  static void start() throws Exception {
    snapshots = dir.resolve("snapshots");
    outside = dir.resolve("outside");
    Files.createDirectories(snapshots);
    Files.createDirectories(outside);
    spyglass =
        new InProcessSpyglass(
            dir.resolve("data"),
            InProcessSpyglass.EVERY_SIGNAL_TO_THE_STORE.replace(
                "api: { endpoint: 127.0.0.1:%3$d }",
                "api: { endpoint: 127.0.0.1:%3$d, snapshots: { directory: " + snapshots + " } }"));
    assertThat(
            spyglass.sendJson(
                "logs",
                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":"
                    + "{\"stringValue\":\"keep me\"}}]}]}]}"))
        .isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    spyglass.close();
  }

  private static HttpResponse<String> post(String contentType, String body, String origin)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + spyglass.api + "/api/v1/admin/snapshots"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return spyglass.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<Path> everythingUnder(Path root) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> !p.equals(root)).toList();
    }
  }

  private static String name(String name) throws Exception {
    return JSON.writeValueAsString(Map.of("name", name));
  }

  @Test
  void aName_isWrittenInsideTheSnapshotsDirectory_andNotTwice() throws Exception {
    HttpResponse<String> made = post("application/json", name("nightly-1"), null);
    assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
    assertThat(JSON.readTree(made.body()).get("path").asText())
        .isEqualTo(snapshots.toRealPath().resolve("nightly-1").toString());
    assertThat(snapshots.resolve("nightly-1/checkpoint")).exists();

    HttpResponse<String> again = post("application/json; charset=utf-8", name("nightly-1"), null);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(JSON.readTree(again.body()).get("error").get("code").asText())
        .isEqualTo("snapshot_exists");
  }

  @Test
  void pathsAndTraversal_areRefusedWith400_andNothingIsWritten() throws Exception {
    List<String> bodies =
        List.of(
            name("../outside/x"),
            name(".."),
            name("."),
            name(outside.resolve("abs").toString()),
            name("a/b"),
            name("..%2f..%2foutside"),
            name("%2e%2e"),
            name("x\\..\\y"),
            name(""),
            name(".hidden"),
            name("a".repeat(101)),
            name("nul\u0000byte"),
            JSON.writeValueAsString(Map.of("path", outside.resolve("p").toString())),
            "{}",
            "not json");
    for (String body : bodies) {
      HttpResponse<String> refused = post("application/json", body, null);
      assertThat(refused.statusCode()).as(body + " → " + refused.body()).isEqualTo(400);
      assertThat(refused.headers().firstValue("content-type").orElse(""))
          .startsWith("application/json");
    }
    assertThat(everythingUnder(outside)).isEmpty();
    try (Stream<Path> made = Files.list(snapshots)) {
      assertThat(made.map(p -> p.getFileName().toString()))
          .allMatch(n -> n.equals("nightly-1") || n.equals("link"));
    }
  }

  @Test
  void aSymbolicLinkInTheSnapshotsDirectory_isNeverFollowed() throws Exception {
    Files.createSymbolicLink(snapshots.resolve("link"), outside);
    HttpResponse<String> refused = post("application/json", name("link"), null);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    assertThat(everythingUnder(outside)).isEmpty();
  }

  @Test
  void anythingButJson_is415_soABrowserCannotSendItCrossSite() throws Exception {
    for (String type :
        List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")) {
      HttpResponse<String> refused = post(type, name("from-a-form"), null);
      assertThat(refused.statusCode()).as(type).isEqualTo(415);
    }
    assertThat(snapshots.resolve("from-a-form")).doesNotExist();
  }

  @Test
  void anotherSitesOrigin_is403_theSameOriginIsServed() throws Exception {
    HttpResponse<String> refused =
        post("application/json", name("cross-site"), "https://evil.example");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(snapshots.resolve("cross-site")).doesNotExist();

    HttpResponse<String> served =
        post("application/json", name("same-site"), "http://127.0.0.1:" + spyglass.api);
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
  }
}
