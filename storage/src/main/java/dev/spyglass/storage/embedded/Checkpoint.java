package dev.spyglass.storage.embedded;

import dev.spyglass.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file {@code checkpoint}: a WAL position before which every record is committed in every
 * partition it belongs to. Replay starts there; segments before it can go.
 */
final class Checkpoint {
  private static final String FILE = "checkpoint";

  private Checkpoint() {}

  static long read(Path root) throws IOException {
    Path file = root.resolve(FILE);
    if (!Files.exists(file)) {
      return 0;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IOException("corrupt checkpoint file " + file + ": '" + text + "'", e);
    }
  }

  /** Replaces the checkpoint atomically: temp file, fsync, rename, fsync the directory. */
  static void write(Path root, long lsn) throws IOException {
    Path temp = root.resolve(FILE + ".tmp");
    Files.writeString(
        temp,
        Long.toString(lsn),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE,
        StandardOpenOption.SYNC);
    Files.move(temp, root.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    WriteAheadLog.syncDirectory(root);
  }
}
