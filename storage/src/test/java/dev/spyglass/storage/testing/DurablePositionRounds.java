package dev.spyglass.storage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Power-loss rounds for a file that holds one growing position (a checkpoint, a shipped position):
 * positions written one after another, the power cut at a random operation, then the position read
 * back must be readable, at least the last one whose write returned, and no more than the last one
 * attempted. Seeded as {@code WalPowerLossTest} ({@code -Dtests.seed}, {@code -Dtests.rounds}).
 */
public final class DurablePositionRounds {
  /** Reads the position kept in a directory. */
  @FunctionalInterface
  public interface Reader {
    long read(Path dir) throws IOException;
  }

  /** Writes a position into a directory. */
  @FunctionalInterface
  public interface Writer {
    void write(Path dir, long position) throws IOException;
  }

  private DurablePositionRounds() {}

  /** Runs the rounds; the number in which the power cut came before the last write. */
  public static int run(Reader reader, Writer writer) throws Exception {
    int rounds = Integer.getInteger("tests.rounds", 1000);
    long base = Long.getLong("tests.seed", System.nanoTime());
    int cut = 0;
    for (int round = 0; round < rounds; round++) {
      long seed = base + round;
      try {
        cut += round(seed, reader, writer) ? 1 : 0;
      } catch (Throwable failure) {
        throw new AssertionError(
            "power-loss round failed; replay with -Dtests.seed=" + seed + " -Dtests.rounds=1",
            failure);
      }
    }
    return cut;
  }

  private static boolean round(long seed, Reader reader, Writer writer) throws Exception {
    Random random = new Random(seed);
    PowerLossFileSystem fs = new PowerLossFileSystem();
    Path real = Files.createTempDirectory(scratch(), "position-powerloss-");
    boolean cut = false;
    try {
      Path dir = fs.root(real);
      long position = 0;
      for (int life = 0; life < 2; life++) {
        long durable = reader.read(dir);
        assertThat(durable).as("read back after the power cut").isGreaterThanOrEqualTo(position);
        position = durable;
        fs.crashAfter(1 + random.nextInt(40));
        long attempted = position;
        for (int i = 0; i < 20; i++) {
          attempted = position + 1 + random.nextInt(1_000_000);
          try {
            writer.write(dir, attempted);
            position = attempted; // returned: durable from here on
          } catch (IOException powerCut) {
            cut = true;
            break;
          }
        }
        fs.powerLoss(random);
        long read = reader.read(dir);
        assertThat(read)
            .as("the last position whose write returned")
            .isGreaterThanOrEqualTo(position);
        assertThat(read).as("no position never written").isLessThanOrEqualTo(attempted);
        position = read;
      }
      return cut;
    } finally {
      try (Stream<Path> files = Files.walk(real)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Path scratch() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm)
        ? shm
        : Path.of(System.getProperty("java.io.tmpdir"));
  }
}
