package dev.spyglass.storage.embedded;

import static dev.spyglass.storage.Otlp.DAY;
import static dev.spyglass.storage.Otlp.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.Otlp;
import dev.spyglass.storage.SearchRequest;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Encrypted snapshots (issue 20, ADR 0021): a round trip gives back every record and no stored byte
 * holds a record's text; a flipped byte anywhere, a missing, truncated or added file and a wrong
 * key are each refused with a clear error and leave nothing restored.
 */
class EncryptedSnapshotTest {
  private static final String SECRET = "card 4111-1111-1111-1111 charged";
  @TempDir static Path dir;
  private static SnapshotKey key;
  private static SnapshotKey oldKey;
  private static Path snapshot;

  private static TelemetryStore open(Path path) throws IOException {
    return TelemetryStore.open(
        LuceneStoreContractTest.config(path),
        LoggerFactory.getLogger("store"),
        MeterProvider.noop().get("t"));
  }

  private static SnapshotKey newKey(String file) throws IOException {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    Path path = dir.resolve(file);
    Files.writeString(path, Base64.getEncoder().encodeToString(bytes) + "\n");
    return SnapshotKey.read(path);
  }

  @BeforeAll
  static void takeAnEncryptedSnapshot() throws Exception {
    key = newKey("key");
    oldKey = newKey("old-key");
    snapshot = dir.resolve("snapshot");
    try (TelemetryStore store = open(dir.resolve("data"))) {
      for (int i = 0; i < 2_000; i++) {
        store
            .write(
                Otlp.logs(
                    "svc",
                    Otlp.log(
                        T0 + (i % 2) * DAY + i, SeverityNumber.SEVERITY_NUMBER_INFO, SECRET + i)))
            .join();
        if (i == 1_000) {
          store.checkpointNow(); // some in partitions, the rest only in the copied WAL
        }
      }
      Snapshots.Snapshot taken = store.snapshot(snapshot, Optional.of(key));
      assertThat(taken.partitions()).isEqualTo(2);
      assertThat(dir.resolve("data").resolve(TelemetryStore.STAGING)).isEmptyDirectory();
    }
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static long restoredRecords(Path data) throws Exception {
    try (TelemetryStore store = open(data)) {
      return store
          .reader()
          .search(SearchRequest.of(Signal.LOGS, "*", Long.MIN_VALUE, Long.MAX_VALUE, 1))
          .total();
    }
  }

  /** A copy of the snapshot, changed by {@code damage}, restored with {@code keys}. */
  private static void restoreDamaged(String name, Consumer<Path> damage, List<SnapshotKey> keys)
      throws Exception {
    Path copy = dir.resolve("damaged-" + name);
    for (Path file : files(snapshot)) {
      Path to = copy.resolve(snapshot.relativize(file));
      Files.createDirectories(to.getParent());
      Files.copy(file, to);
    }
    damage.accept(copy);
    Path into = dir.resolve("restore-" + name);
    try {
      TelemetryStore.restore(copy, into, keys);
    } finally {
      assertThat(!Files.exists(into) || files(into).isEmpty())
          .as("nothing restored from %s", name)
          .isTrue();
    }
  }

  private static void flipByte(Path file, long at) {
    try (var channel =
        java.nio.channels.FileChannel.open(
            file, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
      channel.read(one, at);
      one.put(0, (byte) (one.get(0) ^ 0x01)).rewind();
      channel.write(one, at);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void roundTrip_restoresEveryRecord_andNoFileHoldsTheirText() throws Exception {
    for (Path file : files(snapshot)) {
      String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      assertThat(content).as(file.toString()).doesNotContain("card 4111").doesNotContain("svc");
    }
    assertThat(files(snapshot).stream().map(f -> snapshot.relativize(f).toString()))
        .contains("snapshot.json", "manifest.enc")
        .noneMatch(f -> f.contains("checkpoint") || f.contains("wal"));
    Path restored = dir.resolve("restored");
    TelemetryStore.restore(snapshot, restored, List.of(oldKey, key)); // rotation: several keys
    assertThat(restoredRecords(restored)).isEqualTo(2_000);
  }

  @Test
  void aFlippedByte_inAnyObjectOrTheManifest_isRefused() throws Exception {
    List<Path> objects = files(snapshot.resolve("objects"));
    assertThat(objects).hasSizeGreaterThan(3);
    for (int i = 0; i < objects.size(); i += Math.max(1, objects.size() / 5)) {
      Path object = snapshot.relativize(objects.get(i));
      long size = Files.size(objects.get(i));
      assertThatThrownBy(
              () ->
                  restoreDamaged(
                      "object" + object.getFileName(),
                      copy -> flipByte(copy.resolve(object), size / 2),
                      List.of(key)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("fails authentication");
    }
    assertThatThrownBy(
            () ->
                restoreDamaged(
                    "manifest", copy -> flipByte(copy.resolve("manifest.enc"), 40), List.of(key)))
        .hasMessageContaining("manifest.enc fails authentication");
  }

  @Test
  void anEditedHeader_isRefused() {
    assertThatThrownBy(
            () ->
                restoreDamaged(
                    "header",
                    copy -> {
                      try {
                        Path header = copy.resolve("snapshot.json");
                        Files.writeString(
                            header,
                            Files.readString(header)
                                .replace("\"version\" : 1", "\"version\" : 1 "));
                      } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                    },
                    List.of(key)))
        .hasMessageContaining("manifest.enc fails authentication");
  }

  @Test
  void aMissingATruncatedOrAnAddedFile_isRefused() throws Exception {
    Path first = snapshot.relativize(files(snapshot.resolve("objects")).getFirst());
    assertThatThrownBy(
            () ->
                restoreDamaged(
                    "missing",
                    copy -> uncheck(() -> Files.delete(copy.resolve(first))),
                    List.of(key)))
        .hasMessageContaining("the snapshot is incomplete")
        .hasMessageContaining("is missing");
    assertThatThrownBy(
            () ->
                restoreDamaged(
                    "truncated",
                    copy ->
                        uncheck(
                            () -> {
                              try (var channel =
                                  java.nio.channels.FileChannel.open(
                                      copy.resolve(first),
                                      java.nio.file.StandardOpenOption.WRITE)) {
                                channel.truncate(channel.size() - 1);
                              }
                            }),
                    List.of(key)))
        .hasMessageContaining("the snapshot is damaged")
        .hasMessageContaining("the manifest says");
    assertThatThrownBy(
            () ->
                restoreDamaged(
                    "added",
                    copy -> uncheck(() -> Files.writeString(copy.resolve("objects/999999"), "x")),
                    List.of(key)))
        .hasMessageContaining("files its manifest does not list")
        .hasMessageContaining("objects/999999");
    assertThatThrownBy(
            () ->
                restoreDamaged(
                    "no-manifest",
                    copy -> uncheck(() -> Files.delete(copy.resolve("manifest.enc"))),
                    List.of(key)))
        .hasMessageContaining("manifest.enc is missing");
  }

  @Test
  void theWrongKey_orNoKey_isRefused_namingTheKeyItNeeds() {
    assertThatThrownBy(() -> restoreDamaged("wrong-key", copy -> {}, List.of(oldKey)))
        .hasMessageContaining("wrong key")
        .hasMessageContaining(key.id());
    assertThatThrownBy(() -> restoreDamaged("no-key", copy -> {}, List.of()))
        .hasMessageContaining("is encrypted (key " + key.id() + ")");
  }

  @Test
  void aKeyFile_mustHoldExactly256Bits() throws Exception {
    Path shortKey = dir.resolve("short");
    Files.writeString(shortKey, Base64.getEncoder().encodeToString(new byte[16]));
    assertThatThrownBy(() -> SnapshotKey.read(shortKey))
        .hasMessageContaining("does not hold a 256-bit key");
    Path raw = dir.resolve("raw");
    Files.write(raw, new byte[32]);
    assertThat(SnapshotKey.read(raw).id()).hasSize(16);
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void uncheck(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
