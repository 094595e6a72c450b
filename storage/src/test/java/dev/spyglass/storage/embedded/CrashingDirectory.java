package dev.spyglass.storage.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;

/**
 * A Lucene directory that knows what a power cut would take: files written but not {@code sync}ed,
 * and renames not made durable by {@code syncMetaData}. It can die at the Nth sync (a crash in the
 * middle of a commit); {@link #damage} then deletes, truncates or corrupts the unsynced files and
 * undoes unsynced renames, at random.
 */
final class CrashingDirectory extends FilterDirectory {

  /** Syncs allowed across every directory of a store before the simulated crash. */
  static final class SyncBudget {
    private final AtomicInteger remaining;

    SyncBudget(int syncs) {
      this.remaining = new AtomicInteger(syncs);
    }

    boolean crashed() {
      return remaining.get() < 0;
    }

    void spend() throws IOException {
      if (remaining.decrementAndGet() < 0) {
        throw new IOException("simulated crash during fsync");
      }
    }
  }

  private final Path path;
  private final SyncBudget budget;
  private final Set<String> unsynced = ConcurrentHashMap.newKeySet();
  private final List<String[]> unsyncedRenames = new CopyOnWriteArrayList<>();

  CrashingDirectory(Directory delegate, Path path, SyncBudget budget) {
    super(delegate);
    this.path = path;
    this.budget = budget;
  }

  @Override
  public IndexOutput createOutput(String name, IOContext context) throws IOException {
    unsynced.add(name);
    return super.createOutput(name, context);
  }

  @Override
  public IndexOutput createTempOutput(String prefix, String suffix, IOContext context)
      throws IOException {
    IndexOutput output = super.createTempOutput(prefix, suffix, context);
    unsynced.add(output.getName());
    return output;
  }

  @Override
  public void sync(Collection<String> names) throws IOException {
    budget.spend();
    super.sync(names);
    unsynced.removeAll(names);
  }

  @Override
  public void rename(String source, String dest) throws IOException {
    if (budget.crashed()) {
      throw new IOException("simulated crash: the process is gone");
    }
    super.rename(source, dest);
    unsyncedRenames.add(new String[] {source, dest});
    if (unsynced.remove(source)) {
      unsynced.add(dest);
    }
  }

  @Override
  public void syncMetaData() throws IOException {
    budget.spend();
    super.syncMetaData();
    unsyncedRenames.clear();
  }

  @Override
  public void deleteFile(String name) throws IOException {
    super.deleteFile(name);
    unsynced.remove(name);
  }

  /** What a power cut leaves: run after the writer is gone, on the files themselves. */
  void damage(Random random) throws IOException {
    List<String[]> renames = new ArrayList<>(unsyncedRenames);
    java.util.Collections.reverse(renames);
    for (String[] rename : renames) {
      Path dest = path.resolve(rename[1]);
      if (random.nextBoolean() && Files.exists(dest)) {
        Files.move(dest, path.resolve(rename[0]), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    for (String name : unsynced) {
      Path file = path.resolve(name);
      if (!Files.exists(file)) {
        continue;
      }
      switch (random.nextInt(4)) {
        case 0 -> Files.delete(file);
        case 1 -> {
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(random.nextLong(Math.max(1, channel.size())));
          }
        }
        case 2 -> {
          byte[] bytes = Files.readAllBytes(file);
          if (bytes.length > 0) {
            bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
            Files.write(file, bytes);
          }
        }
        default -> {} // the OS happened to write it out
      }
    }
  }
}
