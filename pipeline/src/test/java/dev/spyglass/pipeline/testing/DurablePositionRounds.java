package dev.spyglass.pipeline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

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
  public static long run(Reader reader, Writer writer) throws Exception {
    return PowerLossRounds.run((random, fs, dir) -> round(random, fs, dir, reader, writer));
  }

  private static int round(
      Random random, PowerLossFileSystem fs, Path dir, Reader reader, Writer writer)
      throws Exception {
    boolean cut = false;
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
    return cut ? 1 : 0;
  }
}
