package dev.spyglass.exporter.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.testing.PowerLossFileSystem;
import dev.spyglass.pipeline.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class DiskQueueTest {
  private static final Logger log = LoggerFactory.getLogger("queue-test");

  @TempDir Path dir;

  @Test
  void queuedBatchesComeBackAfterARestartByteForByte() throws Exception {
    List<Telemetry> offered = new ArrayList<>();
    try (DiskQueue queue = DiskQueue.open(dir, 100, log)) {
      for (int i = 1; i <= 5; i++) {
        Telemetry batch = i % 2 == 0 ? TestData.traces(i) : TestData.logs(i);
        queue.offer(batch).get();
        offered.add(batch);
      }
      assertThat(queue.size()).isEqualTo(5);
    }
    try (DiskQueue queue = DiskQueue.open(dir, 100, log)) {
      assertThat(queue.size()).isEqualTo(5);
      for (Telemetry expected : offered) {
        QueuedBatch taken = queue.take();
        assertThat(taken.batch().signal()).isEqualTo(expected.signal());
        assertThat(taken.batch().request()).isEqualTo(expected.request());
        queue.finished(taken);
      }
      assertThat(queue.size()).isZero();
    }
    try (DiskQueue queue = DiskQueue.open(dir, 100, log)) {
      assertThat(queue.size()).isZero();
    }
  }

  @Test
  void aBatchsTenant_survivesTheQueue_andARestart() throws Exception {
    String tenant = "team-a.prod_(1)";
    Logs withTenant =
        Logs.of(
            TestData.logs(3).request(),
            dev.spyglass.pipeline.RequestContext.ofTenant(java.util.Optional.of(tenant)));
    try (DiskQueue queue = DiskQueue.open(dir, 100, log)) {
      queue.offer(withTenant).get();
      queue.offer(TestData.logs(2)).get();
    }
    try (DiskQueue queue = DiskQueue.open(dir, 100, log)) {
      QueuedBatch first = queue.take();
      assertThat(first.batch().context().tenant()).hasValue(tenant);
      assertThat(first.batch().request()).isEqualTo(withTenant.request());
      QueuedBatch second = queue.take();
      assertThat(second.batch().context().tenant()).isEmpty();
      assertThat(second.batch().request()).isEqualTo(TestData.logs(2).request());
    }
  }

  @Test
  void aBatchTakenButNotFinishedIsSentAgainAndNothingBelowTheWatermarkIs() throws Exception {
    try (DiskQueue queue = DiskQueue.open(dir, 100, log)) {
      for (int i = 1; i <= 5; i++) {
        queue.offer(TestData.logs(i)).get();
      }
      List<QueuedBatch> taken = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        taken.add(queue.take());
      }
      queue.finished(taken.get(0));
      queue.finished(taken.get(1));
      queue.finished(taken.get(3)); // out of order: above the watermark (2)
    }
    try (DiskQueue queue = DiskQueue.open(dir, 100, log)) {
      // At least once: 2 and 4 were never finished; 3 finished out of order is sent again.
      assertThat(queue.size()).isEqualTo(3);
      List<Integer> counts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        counts.add(queue.take().batch().itemCount());
      }
      assertThat(counts).containsExactly(3, 4, 5);
    }
  }

  @Test
  void aFullQueueRefusesWithARetryableError() throws Exception {
    try (DiskQueue queue = DiskQueue.open(dir, 2, log)) {
      queue.offer(TestData.logs(1)).get();
      queue.offer(TestData.logs(1)).get();
      assertThatThrownBy(() -> queue.offer(TestData.logs(1)).get())
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(RetryableException.class)
          .hasMessageContaining("sending queue is full");
      queue.finished(queue.take());
      queue.offer(TestData.logs(1)).get();
    }
  }

  @Test
  void aTornTailIsSkippedAndTheFramesBeforeItAreKept() throws Exception {
    try (DiskQueue queue = DiskQueue.open(dir, 100, log)) {
      for (int i = 1; i <= 3; i++) {
        queue.offer(TestData.logs(i)).get();
      }
    }
    Path segment = segments().getLast();
    long size = Files.size(segment);
    // A crash in the middle of the next frame: its header and a few bytes of body.
    Files.write(segment, new byte[] {0, 0, 1, 0, 1, 2, 3, 4, 9, 9, 9}, StandardOpenOption.APPEND);
    assertThat(Files.size(segment)).isGreaterThan(size);
    try (DiskQueue queue = DiskQueue.open(dir, 100, log)) {
      assertThat(queue.size()).isEqualTo(3);
      for (int i = 1; i <= 3; i++) {
        assertThat(queue.take().batch().itemCount()).isEqualTo(i);
      }
      queue.offer(TestData.logs(7)).get();
      assertThat(queue.take().batch().itemCount()).isEqualTo(7);
    }
  }

  @Test
  void segmentsAreDeletedOnceEveryBatchInThemIsFinished() throws Exception {
    Logs big = bigLogs(1 << 20);
    try (DiskQueue queue = DiskQueue.open(dir, 100, log)) {
      for (int i = 0; i < 20; i++) {
        queue.offer(big).get();
      }
      assertThat(segments()).hasSizeGreaterThanOrEqualTo(3);
      for (int i = 0; i < 20; i++) {
        QueuedBatch taken = queue.take();
        assertThat(taken.batch().signal()).isEqualTo(Signal.LOGS);
        queue.finished(taken);
      }
    }
    assertThat(segments()).hasSizeLessThanOrEqualTo(1);
    try (DiskQueue queue = DiskQueue.open(dir, 100, log)) {
      assertThat(queue.size()).isZero();
    }
  }

  @Test
  void aConsumerInterruptedMidRead_leavesItsBatchQueuedAndTheQueueWorking() throws Exception {
    PowerLossFileSystem fs = new PowerLossFileSystem();
    Path queueDir = fs.root(dir).resolve("queue");
    try (DiskQueue queue = DiskQueue.open(queueDir, 100, log)) {
      for (int i = 1; i <= 3; i++) {
        queue.offer(TestData.logs(i)).get();
      }
      fs.interruptNextRead(file -> file.toString().endsWith(".queue"));
      assertThatThrownBy(queue::take).isInstanceOf(InterruptedException.class);
      assertThat(Thread.interrupted()).as("interrupt consumed by the exception").isFalse();
      queue.offer(TestData.logs(4)).get(); // the writer was not closed with the reader
      List<Integer> counts = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        QueuedBatch taken = queue.take();
        counts.add(taken.batch().itemCount());
        if (i < 2) {
          queue.finished(taken);
        }
      }
      assertThat(counts).containsExactly(1, 2, 3, 4);
    }
    try (DiskQueue queue = DiskQueue.open(queueDir, 100, log)) {
      assertThat(queue.size()).isEqualTo(2);
    }
  }

  @Test
  void aFailedWriteThatCannotBeCutOff_doesNotHideTheBatchesAcknowledgedAfterIt() throws Exception {
    PowerLossFileSystem fs = new PowerLossFileSystem();
    Path queueDir = fs.root(dir).resolve("queue");
    try (DiskQueue queue = DiskQueue.open(queueDir, 100, log)) {
      queue.offer(TestData.logs(1)).get();
      // The disk is full half-way through the next frame, and cutting it off fails too.
      fs.failNextWrite(file -> file.toString().endsWith(".queue"));
      fs.failNextTruncate(file -> file.toString().endsWith(".queue"));
      assertThatThrownBy(() -> queue.offer(TestData.logs(2)).get())
          .hasCauseInstanceOf(RetryableException.class)
          .hasMessageContaining("No space left on device");
      queue.offer(TestData.logs(3)).get();
      queue.offer(TestData.logs(4)).get();
    }
    try (DiskQueue queue = DiskQueue.open(queueDir, 100, log)) {
      List<Integer> counts = new ArrayList<>();
      while (queue.size() > 0) {
        QueuedBatch taken = queue.take();
        counts.add(taken.batch().itemCount());
        queue.finished(taken);
      }
      assertThat(counts).containsExactly(1, 3, 4);
    }
  }

  private static Logs bigLogs(int bytes) {
    Logs one = TestData.logs(1);
    var request = one.request().toBuilder();
    request
        .getResourceLogsBuilder(0)
        .getScopeLogsBuilder(0)
        .getLogRecordsBuilder(0)
        .getBodyBuilder()
        .setStringValue("x".repeat(bytes));
    return Logs.of(request.build(), one.context());
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".queue")).sorted().toList();
    }
  }
}
