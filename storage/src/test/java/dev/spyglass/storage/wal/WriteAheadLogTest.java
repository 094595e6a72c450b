package dev.spyglass.storage.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Signal;
import io.opentelemetry.api.metrics.MeterProvider;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class WriteAheadLogTest {
  private static final Logger LOG = LoggerFactory.getLogger("wal-test");
  @TempDir Path dir;

  private WriteAheadLog open(long segmentSize) throws IOException {
    return WriteAheadLog.open(dir, segmentSize, true, 0, LOG, MeterProvider.noop().get("t"));
  }

  private static byte[] payload(int i) {
    return ("record number " + i + " ".repeat(i % 37)).getBytes(StandardCharsets.UTF_8);
  }

  private static List<WalRecord> appendAll(WriteAheadLog wal, int from, int to) {
    List<CompletableFuture<WalRecord>> futures = new ArrayList<>();
    for (int i = from; i < to; i++) {
      futures.add(wal.append(Signal.values()[i % 3], 1000L + i, payload(i), null));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  private static List<WalRecord> replay(WriteAheadLog wal, long from) throws IOException {
    List<WalRecord> records = new ArrayList<>();
    wal.replay(from, records::add);
    return records;
  }

  private static List<String> texts(List<WalRecord> records) {
    return records.stream().map(r -> new String(r.request(), StandardCharsets.UTF_8)).toList();
  }

  private static List<String> expected(int from, int to) {
    List<String> texts = new ArrayList<>();
    for (int i = from; i < to; i++) {
      texts.add(new String(payload(i), StandardCharsets.UTF_8));
    }
    return texts;
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".wal")).sorted().toList();
    }
  }

  @Test
  void appendedRecords_replayInOrder_acrossSegments_andAreHandedToTheListener() throws Exception {
    List<WalRecord> durable = new CopyOnWriteArrayList<>();
    List<WalRecord> appended;
    try (WriteAheadLog wal = open(2048)) {
      wal.onDurable(durable::addAll);
      appended = appendAll(wal, 0, 300);
      assertThat(wal.segmentCount()).isGreaterThan(5);
    }
    assertThat(durable).extracting(WalRecord::lsn).isSorted().hasSize(300);
    assertThat(appended.get(7).signal()).isEqualTo(Signal.METRICS);
    assertThat(appended.get(7).receivedAtNanos()).isEqualTo(1007);
    for (int i = 1; i < appended.size(); i++) {
      assertThat(appended.get(i).lsn()).isGreaterThanOrEqualTo(appended.get(i - 1).end());
    }

    try (WriteAheadLog reopened = open(2048)) {
      List<WalRecord> replayed = replay(reopened, 0);
      assertThat(texts(replayed)).isEqualTo(expected(0, 300));
      assertThat(replayed)
          .extracting(WalRecord::lsn)
          .isEqualTo(appended.stream().map(WalRecord::lsn).toList());
      assertThat(texts(replay(reopened, appended.get(150).lsn()))).isEqualTo(expected(150, 300));
      List<WalRecord> more = appendAll(reopened, 300, 310);
      assertThat(more.getFirst().lsn()).isGreaterThanOrEqualTo(appended.getLast().end());
    }
  }

  @Test
  void anAcknowledgedRecord_hasAlreadyBeenHandedToTheListener() throws Exception {
    try (WriteAheadLog wal = open(64 << 20)) {
      List<WalRecord> durable = new CopyOnWriteArrayList<>();
      wal.onDurable(
          records -> {
            try {
              Thread.sleep(200); // a listener slower than the acknowledger
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            durable.addAll(records);
          });
      for (int i = 0; i < 3; i++) {
        WalRecord record =
            wal.append(Signal.LOGS, i, payload(i), null)
                .thenApply(
                    acked -> {
                      assertThat(durable).contains(acked);
                      return acked;
                    })
                .get();
        assertThat(record.receivedAtNanos()).isEqualTo(i);
      }
    }
  }

  @Test
  void acknowledgements_runOffTheWriterThread_soASlowOneDoesNotHoldUpTheNextCommit()
      throws Exception {
    try (WriteAheadLog wal = open(64 << 20)) {
      List<String> durableOn = new CopyOnWriteArrayList<>();
      wal.onDurable(records -> durableOn.add(Thread.currentThread().getName()));
      CompletableFuture<Void> release = new CompletableFuture<>();
      List<String> ackedOn = new CopyOnWriteArrayList<>();
      // The first acknowledgement blocks what it triggers until released...
      CompletableFuture<WalRecord> first =
          wal.append(Signal.LOGS, 1, payload(1), null)
              .whenComplete(
                  (record, failure) -> {
                    ackedOn.add(Thread.currentThread().getName());
                    release.join();
                  });
      await().until(() -> ackedOn.size() == 1);
      // ...yet the next append is still written, fsynced and handed to the indexer.
      wal.append(Signal.LOGS, 2, payload(2), null);
      await().atMost(Duration.ofSeconds(5)).until(() -> durableOn.size() == 2);
      release.complete(null);
      first.join();
      assertThat(durableOn).containsOnly("spyglass-wal-writer");
      assertThat(ackedOn).containsExactly("spyglass-wal-ack");
    }
  }

  @Test
  void concurrentAppends_shareFsyncs_andAllComplete() throws Exception {
    io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader metrics =
        io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader.create();
    io.opentelemetry.sdk.metrics.SdkMeterProvider meters =
        io.opentelemetry.sdk.metrics.SdkMeterProvider.builder()
            .registerMetricReader(metrics)
            .build();
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 64 << 20, true, 0, LOG, meters.get("t"))) {
      List<Thread> threads = new ArrayList<>();
      List<WalRecord> results = new CopyOnWriteArrayList<>();
      for (int t = 0; t < 8; t++) {
        int offset = t * 1000;
        threads.add(
            Thread.ofPlatform().start(() -> results.addAll(appendAll(wal, offset, offset + 250))));
      }
      for (Thread thread : threads) {
        thread.join();
      }
      assertThat(results).hasSize(2000);
      assertThat(results).extracting(WalRecord::lsn).doesNotHaveDuplicates();
    }
    // One fsync per group commit: 8 writers' appends shared far fewer than one each.
    long fsyncs =
        metrics.collectAllMetrics().stream()
            .filter(m -> m.getName().equals("spyglass_wal_fsync_duration"))
            .flatMap(m -> m.getHistogramData().getPoints().stream())
            .mapToLong(p -> p.getCount())
            .sum();
    assertThat(fsyncs).isPositive().isLessThan(1000);
  }

  @Test
  void deleteBefore_removesOnlyWhollyEarlierSegments() throws Exception {
    try (WriteAheadLog wal = open(1024)) {
      List<WalRecord> records = appendAll(wal, 0, 200);
      int before = wal.segmentCount();
      WalRecord middle = records.get(100);

      wal.deleteBefore(middle.lsn());

      assertThat(wal.segmentCount()).isLessThan(before);
      List<WalRecord> left = replay(wal, 0);
      assertThat(left.getFirst().lsn()).isLessThanOrEqualTo(middle.lsn());
      assertThat(texts(left)).endsWith(expected(100, 200).toArray(String[]::new));
    }
  }

  @Test
  void aDiskFullAppend_thatRolledIntoANewSegment_leavesNoPartialFrame_forALaterCrashToFind()
      throws Exception {
    dev.spyglass.pipeline.testing.PowerLossFileSystem fs =
        new dev.spyglass.pipeline.testing.PowerLossFileSystem();
    Path wrapped = fs.root(dir).resolve("faulty");
    byte[] big = new byte[3000];
    java.util.Arrays.fill(big, (byte) 'x');
    try (WriteAheadLog wal =
        WriteAheadLog.open(wrapped, 4096, true, 0, LOG, MeterProvider.noop().get("t"))) {
      String first = WalFormat.fileName(0);
      wal.append(Signal.LOGS, 1, "a".getBytes(StandardCharsets.UTF_8), null).join();
      wal.append(Signal.LOGS, 2, big, null).join(); // fills the first segment
      // The next record rolls into a second segment, where the disk fills half-way through it.
      fs.failNextWrite(file -> !file.getFileName().toString().equals(first));
      assertThatThrownBy(() -> wal.append(Signal.LOGS, 3, big, null).join())
          .hasCauseInstanceOf(dev.spyglass.pipeline.RetryableException.class)
          .hasMessageContaining("No space left on device");
      wal.append(Signal.LOGS, 4, "after".getBytes(StandardCharsets.UTF_8), null).join();
    }
    try (WriteAheadLog reopened =
        WriteAheadLog.open(wrapped, 4096, true, 0, LOG, MeterProvider.noop().get("t"))) {
      assertThat(reopened.recovery().problems()).isEmpty();
      List<WalRecord> records = replay(reopened, 0);
      assertThat(records).extracting(WalRecord::receivedAtNanos).containsExactly(1L, 2L, 4L);
    }
  }

  @Test
  void appendAfterClose_isRetryable() throws Exception {
    WriteAheadLog wal = open(1024);
    wal.close();
    assertThat(wal.append(Signal.LOGS, 1, payload(1), null))
        .failsWithin(java.time.Duration.ofSeconds(1))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(RetryableException.class);
  }

  @Test
  void corruptionInAnEarlierSegment_isQuarantined_andReported_laterSegmentsStillReplay()
      throws Exception {
    List<WalRecord> written;
    try (WriteAheadLog wal = open(1024)) {
      written = appendAll(wal, 0, 100);
    }
    Path first = segmentFiles().getFirst();
    long secondBase =
        WalFormat.baseOf(segmentFiles().get(1).getFileName().toString()).orElseThrow();
    flipByte(first, 200);

    try (WriteAheadLog reopened = open(1024)) {
      assertThat(reopened.recovery().problems())
          .singleElement()
          .asString()
          .contains(first.getFileName().toString())
          .contains("checksum mismatch")
          .contains("quarantine");
      try (Stream<Path> quarantined = Files.list(dir.resolve("quarantine"))) {
        assertThat(quarantined).hasSize(1);
      }
      // Every record of every later segment, and of the damaged one only what lies wholly
      // before the damage: nothing else, nothing twice.
      List<String> wanted = new ArrayList<>();
      for (int i = 0; i < written.size(); i++) {
        WalRecord record = written.get(i);
        if (record.end() <= 200 || record.lsn() >= secondBase) {
          wanted.add(new String(payload(i), StandardCharsets.UTF_8));
        }
      }
      List<String> replayed = texts(replay(reopened, 0));
      assertThat(written.stream().filter(r -> r.lsn() >= secondBase)).hasSizeGreaterThan(50);
      assertThat(replayed).isEqualTo(wanted);
    }
  }

  @Test
  void corruptFrameFollowedByValidOnes_inTheLastSegment_isCorruption_notATornTail()
      throws Exception {
    try (WriteAheadLog wal = open(64 << 20)) {
      appendAll(wal, 0, 50);
    }
    Path last = segmentFiles().getLast();
    flipByte(last, 100);

    try (WriteAheadLog reopened = open(64 << 20)) {
      assertThat(reopened.recovery().problems()).hasSize(1);
      assertThat(reopened.recovery().tornBytes()).isZero();
    }
  }

  /**
   * A crash can tear only what was not yet acknowledged: after N acknowledged records, any prefix
   * of the next frames may be on disk. Recovery must keep every acknowledged record exactly once
   * and keep accepting appends.
   */
  @Test
  void aTornHeaderClaimingAGigabyte_isReadAsIncomplete_withoutAllocatingIt() throws Exception {
    // The test JVM has a 1 GiB heap: allocating what the header claims would run out of memory.
    java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(WalFormat.HEADER + 10);
    frame.putInt(WalFormat.MAX_PAYLOAD - 1).putInt(0x12345678);
    WalFormat.Read read = WalFormat.read(new java.io.ByteArrayInputStream(frame.array()), 0);
    assertThat(read).isEqualTo(new WalFormat.Incomplete(WalFormat.HEADER + 10));
  }

  @Test
  void randomTornTails_neverLoseAcknowledgedRecords() throws Exception {
    long seed = Long.getLong("tests.seed", System.nanoTime());
    Random random = new Random(seed);
    for (int round = 0; round < 25; round++) {
      Path roundDir = dir.resolve("round-" + round);
      int acked = 1 + random.nextInt(200);
      long segmentSize = 512 + random.nextInt(8192);
      WriteAheadLog wal =
          WriteAheadLog.open(roundDir, segmentSize, true, 0, LOG, MeterProvider.noop().get("t"));
      appendAll(wal, 0, acked);
      wal.close();
      Path tail;
      try (Stream<Path> files = Files.list(roundDir)) {
        tail = files.filter(f -> f.toString().endsWith(".wal")).sorted().toList().getLast();
      }
      // Unacknowledged bytes: a random prefix of more frames, or random garbage.
      byte[] extra = new byte[random.nextInt(300)];
      if (random.nextBoolean()) {
        random.nextBytes(extra);
      } else {
        java.nio.ByteBuffer frames = java.nio.ByteBuffer.allocate(4096);
        for (int i = 0; i < 5; i++) {
          WalFormat.encode(Signal.LOGS, 1, payload(1000 + i), frames);
        }
        System.arraycopy(frames.array(), 0, extra, 0, Math.min(extra.length, frames.position()));
      }
      Files.write(tail, extra, java.nio.file.StandardOpenOption.APPEND);

      try (WriteAheadLog reopened =
          WriteAheadLog.open(roundDir, segmentSize, true, 0, LOG, MeterProvider.noop().get("t"))) {
        List<String> replayed = texts(replay(reopened, 0));
        assertThat(replayed.subList(0, Math.min(acked, replayed.size())))
            .as("seed %d round %d: acknowledged records survive", seed, round)
            .isEqualTo(expected(0, acked));
        assertThat(replayed.size() - acked)
            .as("seed %d round %d: only whole valid frames of the tail may be kept", seed, round)
            .isBetween(0, 5);
        assertThat(reopened.append(Signal.LOGS, 1, payload(7), null).join().lsn()).isPositive();
      }
    }
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      int b = raf.read();
      raf.seek(offset);
      raf.write(b ^ 0xff);
    }
  }
}
