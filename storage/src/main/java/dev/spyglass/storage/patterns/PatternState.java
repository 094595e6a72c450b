package dev.spyglass.storage.patterns;

import dev.spyglass.patterns.Patterns;
import dev.spyglass.storage.LogPattern;
import dev.spyglass.storage.wal.WriteAheadLog;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * A store's log patterns (docs/adr/0016): mined in write-ahead log order as the store maps each log
 * record — live and on replay — and saved as {@code patterns} with every checkpoint (the embedded
 * store) or shipped position (OpenSearch), so that after a restart or a crash the saved state plus
 * the replayed log give the same patterns the store had. Mining an already-mined record again (a
 * replay over a checkpoint that was not written) changes no pattern, only counts.
 */
public final class PatternState {
  public static final String FILE = "patterns";
  private static final int MAGIC = 0x5350_5054; // "SPPT"

  private final Path root;
  private volatile Patterns patterns;

  private PatternState(Path root, Patterns patterns) {
    this.root = root;
    this.patterns = patterns;
  }

  /** The state saved in {@code root}, or a fresh one; an unreadable file is set aside. */
  public static PatternState open(Path root, int maxPerService, Logger log) throws IOException {
    Path file = root.resolve(FILE);
    if (Files.exists(file)) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
        DataInputStream data = new DataInputStream(in);
        if (data.readInt() != MAGIC) {
          throw new IOException("not a patterns file");
        }
        data.readLong(); // the checkpoint it was saved with
        return new PatternState(root, Patterns.read(data));
      } catch (IOException | RuntimeException e) {
        Path aside = root.resolve(FILE + ".unreadable");
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        log.warn(
            "log patterns in {} cannot be read ({}); moved to {}, patterns start again",
            file,
            e.toString(),
            aside);
      }
    }
    return new PatternState(root, new Patterns(maxPerService));
  }

  /** The pattern id of a log message of {@code service}: mines it (indexer thread only). */
  public String mine(String service, String message, long timestampNanos) {
    return patterns.assign(service, message, timestampNanos).id();
  }

  /**
   * The pattern a message is part of now, without mining it (the live tail's thread): its own id,
   * which a tail's expanded {@code pattern.id} query names whatever id the subscriber gave.
   */
  public String peek(String service, String message, long timestampNanos) {
    return patterns.peek(service, message).map(Patterns.Match::patternId).orElse("");
  }

  /** The pattern {@code id} is part of now; empty for an id never given. */
  public Optional<LogPattern> resolve(String id) {
    return patterns.resolve(id).map(PatternState::pattern);
  }

  public static LogPattern pattern(Patterns.Pattern p) {
    return new LogPattern(p.id(), p.service(), p.template(), p.ids(), p.firstSeenNanos());
  }

  /**
   * Saves the state as of WAL position {@code lsn} (on the indexer thread, before the checkpoint
   * moves there): temp file, fsync, atomic rename, fsync the directory.
   */
  public void save(long lsn) throws IOException {
    save(root, lsn);
  }

  /** As {@link #save(long)}, into another directory (a snapshot). */
  public void save(Path directory, long lsn) throws IOException {
    Path temp = directory.resolve(FILE + ".tmp");
    try (FileChannel channel =
            FileChannel.open(
                temp,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        OutputStream out =
            new BufferedOutputStream(
                java.nio.channels.Channels.newOutputStream(channel), 1 << 16)) {
      DataOutputStream data = new DataOutputStream(out);
      data.writeInt(MAGIC);
      data.writeLong(lsn);
      patterns.write(data);
      data.flush();
      channel.force(true);
    }
    Files.move(temp, directory.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    WriteAheadLog.syncDirectory(directory);
  }
}
