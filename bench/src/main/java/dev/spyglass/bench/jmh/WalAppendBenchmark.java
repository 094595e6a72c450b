package dev.spyglass.bench.jmh;

import dev.spyglass.bench.Main;
import dev.spyglass.bench.data.LogGenerator;
import dev.spyglass.bench.data.LoghubCorpus;
import dev.spyglass.bench.data.Timeline;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.embedded.WalAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * WAL appends of 500-record requests, each waited for until durable, from 4 threads (so group
 * commit has something to group), with and without fsync.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
public class WalAppendBenchmark {
  @Param({"true", "false"})
  public boolean fsync;

  byte[] request;
  Path dir;
  WalAppender wal;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path loghub = Path.of(System.getProperty("spyglass.loghub", "../shared/data/loghub"));
    request =
        new LogGenerator(LoghubCorpus.read(loghub), Timeline.live(), 1, id -> {})
            .next(HotPathBenchmarks.RECORDS)
            .toByteArray();
    dir = Files.createTempDirectory("wal-bench");
    wal = WalAppender.open(dir, fsync);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    wal.close();
    Main.deleteRecursively(dir);
  }

  /** Durable appends per second. */
  @Benchmark
  public Object append() {
    return wal.append(Signal.LOGS, request).join();
  }
}
