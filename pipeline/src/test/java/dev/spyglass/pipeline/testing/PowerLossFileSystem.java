package dev.spyglass.pipeline.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.CopyOption;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file system that loses power (issue 19): writes go to the real files, and it remembers what
 * each file held at its last {@code force} and which names a directory {@code force} made durable.
 * At a crash point — the {@code n}-th write, force, truncate, rename or delete, after which every
 * operation fails as if the process had died — and then {@link #powerLoss}, each file not synced
 * since it changed is put back in a state a disk could be left in: the synced content, a prefix of
 * the unsynced writes torn at a random byte, a random subset of its unsynced 4 KiB pages (the disk
 * reordered them; holes read as zeros), or everything. A creation, rename or deletion whose
 * directory was not synced since may be undone.
 *
 * <p>{@link #root} gives a path of this file system over a real directory, and code under test uses
 * it as any other path.
 */
public final class PowerLossFileSystem extends DelegatingFileSystemProvider {
  private static final int PAGE = 4096;

  /** What a file held when last synced; {@code null} content for a file that did not exist. */
  private record Durable(byte[] content) {}

  /**
   * Directory entries changed together (a rename changes two) since {@code dir} was last synced,
   * with what each name held before.
   */
  private record Entry(Path dir, Map<Path, Durable> before) {
    static Entry of(Path file, Durable before) {
      return new Entry(file.getParent(), Map.of(file, before));
    }
  }

  private final Map<Path, Durable> durable = new HashMap<>();
  private final List<Entry> entries = new ArrayList<>();
  private final AtomicLong operations = new AtomicLong();
  private volatile long crashAt = Long.MAX_VALUE;
  private volatile boolean dead;
  private volatile java.util.function.Predicate<Path> diskFull;
  private volatile java.util.function.Predicate<Path> truncateFails;
  private volatile java.util.function.Predicate<Path> readInterrupted;

  public PowerLossFileSystem() {
    super("powerloss", FileSystems.getDefault());
  }

  /** Dies at the {@code n}-th mutating operation from now (1 = the next one). */
  public void crashAfter(long n) {
    crashAt = operations.get() + n;
  }

  /**
   * The next write to a file {@code which} accepts writes half its bytes, then fails as a full disk
   * does ({@code ENOSPC}); the file system goes on working.
   */
  public void failNextWrite(java.util.function.Predicate<Path> which) {
    diskFull = which;
  }

  /** The next truncation of a file {@code which} accepts fails with an I/O error. */
  public void failNextTruncate(java.util.function.Predicate<Path> which) {
    truncateFails = which;
  }

  /**
   * The next read of a file {@code which} accepts is made by an interrupted thread, as when a
   * consumer is stopped mid-read (NIO then closes the channel).
   */
  public void interruptNextRead(java.util.function.Predicate<Path> which) {
    readInterrupted = which;
  }

  /** Whether the crash point was reached. */
  public boolean crashed() {
    return dead;
  }

  /** Mutating operations so far. */
  public long operations() {
    return operations.get();
  }

  /**
   * Power goes: every file and entry not synced is left as a disk might leave it, chosen by {@code
   * random}; then the file system works again (the machine rebooted) with all that as synced.
   */
  public synchronized void powerLoss(Random random) throws IOException {
    dead = true;
    for (Map.Entry<Path, Durable> file : durable.entrySet()) {
      Path path = file.getKey();
      byte[] synced = file.getValue().content();
      byte[] now = Files.exists(path) ? Files.readAllBytes(path) : null;
      if (now == null) {
        continue; // deleted: the directory entries below decide
      }
      byte[] base = synced == null ? new byte[0] : synced; // created: nothing of it was synced
      if (!java.util.Arrays.equals(now, base)) {
        Files.write(path, damage(base, now, random));
      }
    }
    for (Entry entry : entries.reversed()) {
      if (random.nextBoolean()) {
        continue; // these entries reached the disk
      }
      for (Map.Entry<Path, Durable> name : entry.before().entrySet()) {
        byte[] before = name.getValue().content();
        if (before == null) {
          Files.deleteIfExists(name.getKey());
        } else {
          Files.write(name.getKey(), before);
        }
      }
    }
    forgetAll();
    diskFull = null; // faults armed before the reboot are gone with it
    truncateFails = null;
    readInterrupted = null;
    crashAt = Long.MAX_VALUE;
    dead = false;
  }

  private static byte[] damage(byte[] synced, byte[] now, Random random) {
    switch (random.nextInt(4)) {
      case 0 -> {
        return synced; // nothing unsynced reached the disk
      }
      case 1 -> {
        return now; // all of it did
      }
      case 2 -> {
        int common = 0;
        while (common < Math.min(synced.length, now.length) && synced[common] == now[common]) {
          common++;
        }
        if (now.length < synced.length) {
          return random.nextBoolean() ? synced : now; // a truncation happened or did not
        }
        int cut = common + random.nextInt(now.length - common + 1);
        return java.util.Arrays.copyOf(now, cut); // torn at a random byte
      }
      default -> {
        int length =
            Math.min(synced.length, now.length)
                + random.nextInt(Math.abs(now.length - synced.length) + 1);
        byte[] out = new byte[length];
        for (int page = 0; page < length; page += PAGE) {
          byte[] from = random.nextBoolean() ? now : synced;
          int n = Math.max(0, Math.min(PAGE, Math.min(length, from.length) - page));
          if (n > 0) {
            System.arraycopy(from, page, out, page, n); // a page not written reads as zeros
          }
        }
        return out;
      }
    }
  }

  private void forgetAll() {
    durable.clear();
    entries.clear();
  }

  /** Counts one mutating operation; fails it, and all after, past the crash point. */
  private void operation() throws IOException {
    if (dead || operations.incrementAndGet() >= crashAt) {
      dead = true;
      throw new IOException("simulated power loss");
    }
  }

  /** Remembers what {@code file} holds now as synced, the first time it is about to change. */
  private synchronized void track(Path file) throws IOException {
    if (!durable.containsKey(file)) {
      durable.put(file, new Durable(Files.exists(file) ? Files.readAllBytes(file) : null));
      if (!Files.exists(file)) {
        entries.add(Entry.of(file, new Durable(null)));
      }
    }
  }

  private synchronized void synced(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      entries.removeIf(entry -> entry.dir().equals(file));
    } else if (Files.exists(file)) {
      durable.put(file, new Durable(Files.readAllBytes(file)));
    }
  }

  private synchronized Durable durableOf(Path file) throws IOException {
    Durable known = durable.get(file);
    return known != null
        ? known
        : new Durable(Files.exists(file) ? Files.readAllBytes(file) : null);
  }

  @Override
  public FileChannel newFileChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    Path file = real(path);
    boolean writes =
        options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
    if (writes) {
      operation();
      track(file);
    }
    // O_SYNC / O_DSYNC: every write is on the disk when it returns.
    boolean synchronous =
        options.contains(StandardOpenOption.SYNC) || options.contains(StandardOpenOption.DSYNC);
    boolean directory = Files.isDirectory(file);
    return new DelegatingFileChannel(super.newFileChannel(path, options, attrs)) {
      @Override
      public int write(ByteBuffer src) throws IOException {
        beforeWrite(src, -1);
        return written(super.write(src));
      }

      @Override
      public int write(ByteBuffer src, long position) throws IOException {
        beforeWrite(src, position);
        return written(super.write(src, position));
      }

      @Override
      public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        operation();
        return written(super.write(srcs, offset, length));
      }

      /** Counts the write; if the disk is to be full, writes half of {@code src} and fails. */
      private void beforeWrite(ByteBuffer src, long position) throws IOException {
        operation();
        java.util.function.Predicate<Path> full = diskFull;
        if (full == null || !full.test(file)) {
          return;
        }
        diskFull = null;
        ByteBuffer half = src.slice(src.position(), src.remaining() / 2);
        int n = position < 0 ? super.write(half) : super.write(half, position);
        src.position(src.position() + n);
        throw new IOException("No space left on device");
      }

      private <T> T written(T bytes) throws IOException {
        if (synchronous) {
          synced(file);
        }
        return bytes;
      }

      @Override
      public int read(ByteBuffer dst, long position) throws IOException {
        java.util.function.Predicate<Path> interrupted = readInterrupted;
        if (interrupted != null && interrupted.test(file)) {
          readInterrupted = null;
          Thread.currentThread().interrupt();
        }
        return super.read(dst, position);
      }

      @Override
      public FileChannel truncate(long size) throws IOException {
        operation();
        java.util.function.Predicate<Path> fails = truncateFails;
        if (fails != null && fails.test(file)) {
          truncateFails = null;
          throw new IOException("Input/output error");
        }
        return super.truncate(size);
      }

      @Override
      public void force(boolean metaData) throws IOException {
        if (directory && dead) {
          // The process is gone, so this sync does nothing; it does not throw, as Lucene asserts
          // a directory sync never does on Linux. Whatever comes next fails.
          return;
        }
        operation();
        super.force(metaData);
        synced(file);
      }
    };
  }

  @Override
  public SeekableByteChannel newByteChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    if (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)) {
      return newFileChannel(path, options, attrs);
    }
    return super.newByteChannel(path, options, attrs);
  }

  @Override
  public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
    Set<OpenOption> set = new HashSet<>(List.of(options));
    if (set.isEmpty()) {
      set.addAll(List.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING));
    }
    set.add(StandardOpenOption.WRITE);
    return java.nio.channels.Channels.newOutputStream(newFileChannel(path, set));
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    operation();
    Path from = real(source);
    Path to = real(target);
    synchronized (this) {
      Durable moved = durableOf(from);
      Durable replaced = durableOf(to);
      Map<Path, Durable> before = new HashMap<>();
      before.put(to, replaced);
      before.put(from, moved);
      entries.add(new Entry(to.getParent(), before));
      durable.remove(from);
      // What reaches the disk under the new name is what the old name had synced.
      durable.put(to, moved.content() == null ? new Durable(new byte[0]) : moved);
    }
    super.move(source, target, options);
  }

  @Override
  public void delete(Path path) throws IOException {
    operation();
    Path file = real(path);
    synchronized (this) {
      if (!Files.isDirectory(file)) {
        entries.add(Entry.of(file, durableOf(file)));
        durable.remove(file);
      }
    }
    super.delete(path);
  }

  @Override
  public boolean deleteIfExists(Path path) throws IOException {
    if (!Files.exists(real(path))) {
      return false;
    }
    delete(path);
    return true;
  }
}
