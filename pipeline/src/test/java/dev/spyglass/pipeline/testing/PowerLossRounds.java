package dev.spyglass.pipeline.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Seeded power-loss rounds (docs/adr/0019): {@code -Dtests.rounds} of them (1,000 by default), each
 * with its own {@link PowerLossFileSystem} over a fresh scratch directory and a {@link Random} from
 * one seed; a failure names the seed, and {@code -Dtests.seed=N -Dtests.rounds=1} replays it.
 */
public final class PowerLossRounds {
  /** One round; what it returns is summed over the rounds (e.g. the power cuts that fired). */
  @FunctionalInterface
  public interface Round {
    int run(Random random, PowerLossFileSystem fs, Path root) throws Exception;
  }

  private PowerLossRounds() {}

  /** The rounds asked for. */
  public static int count() {
    return count(1000);
  }

  /** The rounds asked for, {@code rounds} unless {@code -Dtests.rounds} says otherwise. */
  public static int count(int rounds) {
    return Integer.getInteger("tests.rounds", rounds);
  }

  /** Runs every round; the sum of what they returned. */
  public static long run(Round round) throws Exception {
    return run(1000, round);
  }

  /** Runs {@link #count(int) count(rounds)} rounds; the sum of what they returned. */
  public static long run(int rounds, Round round) throws Exception {
    long base = Long.getLong("tests.seed", System.nanoTime());
    long sum = 0;
    for (int i = 0; i < count(rounds); i++) {
      long seed = base + i;
      Path real = Files.createTempDirectory(scratch(), "powerloss-");
      try {
        PowerLossFileSystem fs = new PowerLossFileSystem();
        sum += round.run(new Random(seed), fs, fs.root(real));
      } catch (Throwable failure) {
        throw new AssertionError(
            "power-loss round failed; replay with -Dtests.seed=" + seed + " -Dtests.rounds=1",
            failure);
      } finally {
        try (Stream<Path> files = Files.walk(real)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    return sum;
  }

  /** Memory-backed when there is one: the power loss is simulated, fsyncs need not be slow. */
  private static Path scratch() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm)
        ? shm
        : Path.of(System.getProperty("java.io.tmpdir"));
  }
}
