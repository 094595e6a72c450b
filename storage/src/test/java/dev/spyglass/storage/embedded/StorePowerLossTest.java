package dev.spyglass.storage.embedded;

import static dev.spyglass.storage.Otlp.DAY;
import static dev.spyglass.storage.Otlp.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.testing.PowerLossFileSystem;
import dev.spyglass.pipeline.testing.PowerLossRounds;
import dev.spyglass.storage.Otlp;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/**
 * The whole embedded store — write-ahead log, Lucene partitions, checkpoint — on {@link
 * PowerLossFileSystem} (issue 19, ADR 0019): the power is cut at a random file operation, often in
 * the middle of a Lucene commit, and from that operation on nothing reaches the disk, so Lucene
 * cannot roll anything back; then the unsynced writes are dropped, torn or reordered. Every index
 * is then clean by {@code CheckIndex}, and every acknowledged record is found exactly once. Seeded
 * ({@code -Dtests.seed=N -Dtests.rounds=1} replays; {@code -Dtests.rounds} runs more).
 */
class StorePowerLossTest {
  private static final Logger LOG = NOPLogger.NOP_LOGGER;

  @Test
  void powerCutsAnywhere_evenInsideLuceneCommits_loseNothingAcknowledged_andLeaveCleanIndexes()
      throws Exception {
    AtomicInteger inCommit = new AtomicInteger();
    long crashes = PowerLossRounds.run(40, (random, fs, root) -> round(random, fs, root, inCommit));
    assertThat(crashes).as("power cuts that fired").isGreaterThan(PowerLossRounds.count(40) / 2);
    assertThat(inCommit.get()).as("power cuts that hit a Lucene commit").isPositive();
  }

  private static int round(Random random, PowerLossFileSystem fs, Path root, AtomicInteger inCommit)
      throws Exception {
    Path dir = root.resolve("store");
    Map<String, Integer> acknowledged = new HashMap<>();
    List<String> maybe = new ArrayList<>();
    int serial = 0;
    int crashes = 0;
    int lives = 1 + random.nextInt(3);
    for (int life = 0; life <= lives; life++) {
      TelemetryStore store = open(dir);
      Map<String, Integer> found = TelemetryStoreTest.bodies(store);
      for (String body : maybe) {
        if (found.containsKey(body)) {
          acknowledged.put(body, 1); // it survived: durable from now on
        }
      }
      assertThat(found).as("after power cut %d", life).isEqualTo(acknowledged);
      maybe.clear();
      if (life == lives) {
        store.close();
        break;
      }
      fs.crashAfter(1 + random.nextInt(600));
      for (int b = 0, batches = 5 + random.nextInt(25); b < batches && !fs.crashed(); b++) {
        List<LogRecord> records = new ArrayList<>();
        for (int r = random.nextInt(10); r >= 0; r--) {
          long time = T0 + random.nextInt(3) * DAY + random.nextInt(1_000_000);
          records.add(Otlp.log(time, SeverityNumber.SEVERITY_NUMBER_INFO, "record " + serial++));
        }
        List<String> bodies = records.stream().map(r -> r.getBody().getStringValue()).toList();
        try {
          store
              .write(Otlp.logs("svc", records.toArray(LogRecord[]::new)))
              .get(30, TimeUnit.SECONDS);
          bodies.forEach(body -> acknowledged.put(body, 1));
        } catch (ExecutionException refused) {
          assertThat(fs.crashed()).as("refused only once the power is gone: %s", refused).isTrue();
          maybe.addAll(bodies);
        }
        if (random.nextInt(3) == 0 && !fs.crashed()) {
          try {
            store.checkpointNow();
          } catch (CompletionException failed) {
            assertThat(fs.crashed()).as("a commit fails only once the power is gone").isTrue();
            assertThat(failed).hasStackTraceContaining("simulated power loss");
            inCommit.incrementAndGet();
          }
        }
      }
      crashes += fs.crashed() ? 1 : 0;
      fs.crashAfter(1); // if the power is still on, it goes now
      try {
        store.crash();
      } catch (java.io.IOException expected) {
        // rolling back needs a disk, and the power is gone
      }
      fs.powerLoss(random);
      assertIndexesClean(dir, life);
    }
    return crashes;
  }

  private static TelemetryStore open(Path dir) throws java.io.IOException {
    return TelemetryStore.open(
        LuceneStoreContractTest.config(dir), dir, LOG, MeterProvider.noop().get("t"));
  }

  private static void assertIndexesClean(Path dir, int life) throws java.io.IOException {
    // Read from the real files (the power is back): Lucene maps them, which needs platform paths.
    Path logs = PowerLossFileSystem.real(dir).resolve("logs");
    if (!Files.isDirectory(logs)) {
      return;
    }
    try (Stream<Path> partitions = Files.list(logs)) {
      for (Path partition : partitions.toList()) {
        try (FSDirectory directory = FSDirectory.open(partition)) {
          if (!DirectoryReader.indexExists(directory)) {
            continue; // the power went before its first commit
          }
          try (CheckIndex check = new CheckIndex(directory)) {
            assertThat(check.checkIndex().clean)
                .as("after power cut %d: CheckIndex %s", life, partition)
                .isTrue();
          }
        }
      }
    }
  }
}
