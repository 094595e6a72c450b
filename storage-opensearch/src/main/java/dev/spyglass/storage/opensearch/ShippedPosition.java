package dev.spyglass.storage.opensearch;

import dev.spyglass.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The write-ahead log position up to which OpenSearch has confirmed every record: a file replaced
 * atomically (written beside, fsynced, renamed), read at start to replay the rest.
 */
final class ShippedPosition {
  private final Path file;

  ShippedPosition(Path dir) {
    this.file = dir.resolve("shipped");
  }

  /** The position saved last; 0 when none was. */
  long read() throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    String text = Files.readString(file).strip();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IOException(file + " holds no position: '" + text + "'");
    }
  }

  void write(long position) throws IOException {
    Path next = file.resolveSibling("shipped.next");
    try (FileChannel out =
        FileChannel.open(
            next,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      out.write(
          ByteBuffer.wrap(
              Long.toString(position).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      out.force(true);
    }
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    WriteAheadLog.syncDirectory(file.getParent());
  }
}
