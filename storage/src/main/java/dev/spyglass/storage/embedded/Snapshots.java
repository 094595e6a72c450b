package dev.spyglass.storage.embedded;

import dev.spyglass.storage.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.index.IndexCommit;

/**
 * Consistent copies of a running store (docs/adr/0005): on the indexer thread, commit every
 * partition, pin each commit (Lucene's snapshot deletion policy), note the checkpoint and copy the
 * write-ahead log from it to the last durable byte; then, off that thread, copy the pinned index
 * files. Restoring into an empty directory and opening it replays the copied WAL, so the copy holds
 * everything acknowledged before the snapshot began.
 */
public final class Snapshots {
  private Snapshots() {}

  /**
   * What a snapshot holds.
   *
   * @param path where it was written
   * @param partitions how many partition commits it holds
   * @param checkpoint the WAL position its partition commits cover
   * @param walBytes bytes of write-ahead log copied from the checkpoint on
   */
  public record Snapshot(Path path, int partitions, long checkpoint, long walBytes) {}

  private record Pinned(Partition partition, IndexCommit commit) {}

  private record Captured(long checkpoint, long walBytes, List<Pinned> pinned) {}

  static Snapshot create(Path target, Indexer indexer, PartitionSet partitions, WriteAheadLog wal)
      throws IOException {
    requireEmpty(target);
    Files.createDirectories(target);
    Captured captured =
        indexer
            .runOnIndexerThread(
                () -> {
                  indexer.checkpoint();
                  long checkpoint = indexer.indexedLsn();
                  indexer.savePatterns(target, checkpoint);
                  List<Pinned> pinned = new ArrayList<>();
                  for (Partition partition : partitions.all()) {
                    partition.snapshot().ifPresent(c -> pinned.add(new Pinned(partition, c)));
                  }
                  long walBytes = wal.copyTo(target.resolve("wal"), checkpoint, wal.durableEnd());
                  return new Captured(checkpoint, walBytes, pinned);
                })
            .join();
    try {
      for (Pinned pinned : captured.pinned()) {
        Path into =
            target
                .resolve(pinned.partition().signal().configName())
                .resolve(pinned.partition().path().getFileName());
        Files.createDirectories(into);
        for (String file : pinned.commit().getFileNames()) {
          Files.copy(pinned.partition().path().resolve(file), into.resolve(file));
        }
      }
    } finally {
      for (Pinned pinned : captured.pinned()) {
        pinned.partition().releaseSnapshot(pinned.commit());
      }
    }
    Checkpoint.write(target, captured.checkpoint());
    return new Snapshot(
        target, captured.pinned().size(), captured.checkpoint(), captured.walBytes());
  }

  /** Copies a snapshot into {@code dataDir}, which must be absent or empty. */
  static void restore(Path snapshot, Path dataDir) throws IOException {
    if (!Files.isRegularFile(snapshot.resolve("checkpoint"))) {
      throw new IOException(snapshot + " is not a Spyglass snapshot (no checkpoint file)");
    }
    requireEmpty(dataDir);
    try (Stream<Path> files = Files.walk(snapshot)) {
      for (Path source : files.toList()) {
        Path destination = dataDir.resolve(snapshot.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(destination);
        } else {
          Files.copy(source, destination, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  static void requireEmpty(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IOException(dir + " is not empty");
        }
      }
    }
  }
}
