package dev.spyglass.storage.embedded;

import static dev.spyglass.storage.Otlp.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spyglass.pipeline.ConsumeException;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.Otlp;
import dev.spyglass.storage.SearchRequest;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A disk that really fills up: the store runs on a 3 MiB tmpfs (mounting needs root, as tests run
 * in CI; elsewhere the test is skipped and says why). Writes are refused as retryable once the disk
 * is full, nothing acknowledged is lost, and after the disk grows everything is there.
 */
class DiskFullTest {
  @TempDir Path dir;
  private Path mount;

  private static boolean run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
  }

  @AfterEach
  void unmount() throws Exception {
    if (mount != null) {
      run("umount", mount.toString());
    }
  }

  private TelemetryStore open(Path path) throws IOException {
    StoreConfig base = LuceneStoreContractTest.config(path);
    StoreConfig config =
        new StoreConfig(
            base.path(),
            base.durability(),
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            base.partitionDuration(),
            1 << 20,
            base.retention(),
            base.limits(),
            new StoreConfig.Backpressure(64L << 20, 0),
            StoreConfig.Query.DEFAULT,
            StoreConfig.Patterns.DEFAULT);
    return TelemetryStore.open(
        config, LoggerFactory.getLogger("store"), MeterProvider.noop().get("t"));
  }

  @Test
  void fullDisk_refusesWritesAsRetryable_losesNothingAcknowledged() throws Exception {
    Path target = dir.resolve("tiny");
    java.nio.file.Files.createDirectories(target);
    boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", target.toString());
    if ("root".equals(System.getProperty("user.name"))) {
      // CI runs as root: there a missing tmpfs is a broken test, not a reason to skip it.
      assertThat(mounted).as("mounting a 3 MiB tmpfs as root").isTrue();
    }
    assumeTrue(mounted, "mounting a tmpfs needs root (CI runs as root); skipped here");
    mount = target;

    TelemetryStore store = open(target.resolve("data"));
    String body = "x".repeat(40_000);
    int acknowledged = 0;
    Throwable refusal = null;
    for (int i = 0; i < 500 && refusal == null; i++) {
      CompletableFuture<Void> write =
          store.write(
              Otlp.logs("svc", Otlp.log(T0 + i, SeverityNumber.SEVERITY_NUMBER_INFO, i + body)));
      try {
        write.get(10, TimeUnit.SECONDS);
        acknowledged++;
      } catch (java.util.concurrent.ExecutionException e) {
        refusal = e.getCause();
      }
    }
    assertThat(refusal).as("the disk filled up").isNotNull();
    assertThat(ConsumeException.classify(refusal)).isInstanceOf(RetryableException.class);
    assertThat(acknowledged).isGreaterThan(5);
    store.crash();

    assertThat(run("mount", "-o", "remount,size=64m", target.toString())).isTrue();
    int expected = acknowledged;
    try (TelemetryStore reopened = open(target.resolve("data"))) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  reopened
                          .reader()
                          .search(
                              SearchRequest.of(Signal.LOGS, "*", Long.MIN_VALUE, Long.MAX_VALUE, 1))
                          .total()
                      >= expected);
      for (int i = 0; i < acknowledged; i++) {
        assertThat(
                reopened
                    .reader()
                    .search(SearchRequest.of(Signal.LOGS, "*", T0 + i, T0 + i, 1))
                    .total())
            .as("acknowledged record %d", i)
            .isEqualTo(1);
      }
    }
  }
}
