package dev.spyglass.bench.jmh;

import dev.spyglass.bench.data.LoghubCorpus;
import dev.spyglass.patterns.Patterns;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Log pattern mining (issue 16's cost target: ≥ 500k lines per second per core), over the 16,000
 * Loghub bodies of the 8 systems, each system its own service: {@code steady} mines them into
 * patterns that already know them (the common case of a running service), {@code cold} into empty
 * ones (every pattern new). Scores are messages per second on one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PatternMiningBenchmark {
  static final int LINES = 16_000;

  String[] bodies;
  String[] services;
  Patterns warm;

  @Setup(Level.Trial)
  public void setUp() {
    Path loghub = Path.of(System.getProperty("spyglass.loghub", "../shared/data/loghub"));
    List<LoghubCorpus.Line> lines = LoghubCorpus.read(loghub).lines();
    bodies = new String[LINES];
    services = new String[LINES];
    for (int i = 0; i < LINES; i++) {
      LoghubCorpus.Line line = lines.get(i % lines.size());
      bodies[i] = line.body();
      services[i] = line.service();
    }
    warm = new Patterns();
    mine(warm);
  }

  private int mine(Patterns patterns) {
    int sum = 0;
    for (int i = 0; i < LINES; i++) {
      sum += patterns.assign(services[i], bodies[i]).id().length();
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public int steady() {
    return mine(warm);
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public int cold() {
    return mine(new Patterns());
  }
}
