package dev.spyglass.exporter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.testing.PowerLossFileSystem;
import dev.spyglass.pipeline.testing.PowerLossRounds;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/**
 * The disk sending queue and its watermark under simulated power loss (issue 19, ADR 0019): seeded
 * rounds of offers from several writers while a sender takes batches and finishes some, now and
 * then a full disk or a failing truncation, then the power cut at a random operation and the
 * unsynced writes dropped, torn or reordered. After each restart every batch that was acknowledged
 * (or read back before) and not finished must be queued again, exactly once and intact. {@code
 * -Dtests.seed=N -Dtests.rounds=1} replays a failure; {@code -Dtests.rounds} runs more.
 */
class DiskQueuePowerLossTest {
  private static final Logger LOG = NOPLogger.NOP_LOGGER;
  private static final long WATERMARK_EVERY = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void everyAcknowledgedUnfinishedBatch_isQueuedAfterAPowerCut_onceAndIntact() throws Exception {
    long crashes = PowerLossRounds.run(DiskQueuePowerLossTest::round);
    assertThat(crashes).isGreaterThan(PowerLossRounds.count() / 2);
  }

  /**
   * What the queue promised: batches it acknowledged or read back, and those the sender finished.
   */
  private record Promises(Set<String> queued, Set<String> finished) {
    Promises() {
      this(ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
    }
  }

  private static int round(Random random, PowerLossFileSystem fs, Path root) throws Exception {
    Path dir = root.resolve("queue");
    long segmentBytes = 1024 + random.nextInt(20_000);
    Promises promises = new Promises();
    int crashes = 0;
    int lives = 1 + random.nextInt(3);
    for (int life = 0; life < lives; life++) {
      DiskQueue queue = DiskQueue.open(dir, 100_000, segmentBytes, WATERMARK_EVERY, LOG);
      restart(queue, promises, random);
      fs.crashAfter(1 + random.nextInt(300));
      if (random.nextInt(4) == 0) {
        fs.failNextWrite(DiskQueuePowerLossTest::isSegment);
      }
      if (random.nextInt(4) == 0) {
        fs.failNextTruncate(DiskQueuePowerLossTest::isSegment);
      }
      Thread sender = Thread.ofPlatform().start(() -> send(queue, random.nextLong(), promises));
      List<Thread> writers = new ArrayList<>();
      int writerCount = 1 + random.nextInt(4);
      for (int w = 0; w < writerCount; w++) {
        long seed = random.nextLong();
        String name = life + "-" + w;
        writers.add(Thread.ofPlatform().start(() -> offer(queue, name, seed, fs, promises)));
      }
      for (Thread writer : writers) {
        writer.join();
      }
      sender.interrupt();
      sender.join();
      crashes += fs.crashed() ? 1 : 0;
      fs.crashAfter(1); // if the power is still on, it goes now: close cannot save the watermark
      queue.close();
      fs.powerLoss(random);
    }
    DiskQueue queue = DiskQueue.open(dir, 100_000, segmentBytes, WATERMARK_EVERY, LOG);
    restart(queue, promises, random);
    queue.close();
    return crashes;
  }

  private static boolean isSegment(Path file) {
    return file.getFileName().toString().endsWith(".queue");
  }

  /** Offers until the power goes or 60 batches are in; records what was acknowledged. */
  private static void offer(
      DiskQueue queue, String writer, long seed, PowerLossFileSystem fs, Promises promises) {
    Random random = new Random(seed);
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 60 && !fs.crashed(); i++) {
      String id = writer + "-" + i;
      ids.add(id);
      acks.add(queue.offer(batch(id, random.nextInt(3000))));
      if (random.nextInt(8) == 0) {
        await(acks.getLast()); // now and then wait, so that groups vary in size
      }
    }
    for (int i = 0; i < acks.size(); i++) {
      if (await(acks.get(i))) {
        promises.queued().add(ids.get(i));
      }
    }
  }

  /** Takes batches as an exporter does; finishes about half, leaves the others in flight. */
  private static void send(DiskQueue queue, long seed, Promises promises) {
    Random random = new Random(seed);
    try {
      while (true) {
        QueuedBatch taken = queue.take();
        if (random.nextBoolean()) {
          promises.finished().add(id(taken.batch()));
          queue.finished(taken);
        }
      }
    } catch (InterruptedException stopped) {
      // the round is over
    }
  }

  private static boolean await(CompletableFuture<Void> ack) {
    try {
      ack.get(30, TimeUnit.SECONDS);
      return true;
    } catch (Exception refused) {
      return false;
    }
  }

  /**
   * After a restart: everything queued and not finished is back once and intact; what came back is
   * queued from now on; about half of it is finished at once.
   */
  private static void restart(DiskQueue queue, Promises promises, Random random) throws Exception {
    Set<String> seen = new HashSet<>();
    int waiting = queue.size();
    for (int i = 0; i < waiting; i++) {
      QueuedBatch taken = take(queue);
      String id = id(taken.batch());
      assertThat(taken.batch().request())
          .as("batch %s read back intact", id)
          .isEqualTo(batch(id, fill(taken.batch()).length()).request());
      assertThat(seen.add(id)).as("batch %s queued once", id).isTrue();
      if (random.nextBoolean()) {
        promises.finished().add(id);
        queue.finished(taken);
      }
    }
    Set<String> owed = new HashSet<>(promises.queued());
    owed.removeAll(promises.finished());
    assertThat(seen).as("queued after the power cut").containsAll(owed);
    promises.queued().addAll(seen);
  }

  /** The next batch; fails (naming the seed) rather than waiting for one that is not there. */
  private static QueuedBatch take(DiskQueue queue) throws Exception {
    CompletableFuture<QueuedBatch> next = new CompletableFuture<>();
    Thread taker =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    next.complete(queue.take());
                  } catch (InterruptedException e) {
                    next.completeExceptionally(e);
                  }
                });
    try {
      return next.get(10, TimeUnit.SECONDS);
    } finally {
      taker.interrupt();
    }
  }

  /** A batch of one log record: body {@code id}, an attribute of filler derived from the id. */
  private static Logs batch(String id, int fill) {
    StringBuilder filler = new StringBuilder(fill);
    Random from = new Random(id.hashCode());
    for (int i = 0; i < fill; i++) {
      filler.append((char) ('a' + from.nextInt(26)));
    }
    LogRecord record =
        LogRecord.newBuilder()
            .setBody(AnyValue.newBuilder().setStringValue(id))
            .addAttributes(
                io.opentelemetry.proto.common.v1.KeyValue.newBuilder()
                    .setKey("filler")
                    .setValue(AnyValue.newBuilder().setStringValue(filler.toString())))
            .build();
    return Logs.of(
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(record)))
            .build(),
        RequestContext.EMPTY);
  }

  private static LogRecord record(Telemetry batch) {
    return ((ExportLogsServiceRequest) batch.request())
        .getResourceLogs(0)
        .getScopeLogs(0)
        .getLogRecords(0);
  }

  private static String id(Telemetry batch) {
    return record(batch).getBody().getStringValue();
  }

  private static String fill(Telemetry batch) {
    return record(batch).getAttributes(0).getValue().getStringValue();
  }
}
