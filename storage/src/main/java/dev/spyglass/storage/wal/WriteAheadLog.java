package dev.spyglass.storage.wal;

import com.google.protobuf.Message;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Signal;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The write-ahead log: appends records to segment files and acknowledges them once they are on
 * disk. One writer thread takes every append queued while the previous fsync ran, writes them,
 * fsyncs once, then hands them on, in order, to the listener (the indexer) and completes their
 * futures: group commit without a timer.
 */
public final class WriteAheadLog implements AutoCloseable {
  private static final int MAX_GROUP = 4096;
  private static final Append CLOSE = new Append(null, 0, null, null, null);
  private static final Append CRASH = new Append(null, 0, null, null, null);

  private final Path dir;
  private final long segmentSize;
  private final boolean fsync;
  private final Logger log;
  private final WalRecovery.Result recovery;
  private final NavigableMap<Long, Path> segments = new ConcurrentSkipListMap<>();
  private final BlockingDeque<Append> queue = new LinkedBlockingDeque<>();
  private final DoubleHistogram fsyncLatency;
  private final Thread writer;
  // Acknowledgements run here, in order: what a completed future triggers (answering the client,
  // counting) must not hold up the next group commit on the writer thread.
  private final ExecutorService acknowledger =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("spyglass-wal-ack").daemon().unstarted(r));
  private volatile Consumer<List<WalRecord>> listener = records -> {};
  private final Object lifecycle = new Object();
  private volatile boolean closed;
  private volatile long durableEnd;
  private FileChannel channel;
  private long segmentBase;
  private long position;

  private record Append(
      Signal signal,
      long receivedAtNanos,
      byte[] request,
      Message decoded,
      CompletableFuture<WalRecord> done) {}

  private WriteAheadLog(
      Path dir, long segmentSize, boolean fsync, long minNextLsn, Logger log, Meter meter)
      throws IOException {
    this.dir = dir;
    this.segmentSize = segmentSize;
    this.fsync = fsync;
    this.log = log;
    Files.createDirectories(dir);
    this.recovery = WalRecovery.recover(dir, log);
    segments.putAll(recovery.segments());
    this.durableEnd = recovery.end();
    this.fsyncLatency =
        meter
            .histogramBuilder("spyglass_wal_fsync_duration")
            .setUnit("ms")
            .setDescription("Time one group commit's fsync took")
            .build();
    openSegment(Math.max(recovery.end(), minNextLsn));
    this.writer = Thread.ofPlatform().name("spyglass-wal-writer").daemon().start(this::writeLoop);
  }

  /**
   * Recovers the log in {@code dir} (see {@link WalRecovery}) and opens a new segment for appends,
   * starting at or after {@code minNextLsn}.
   */
  public static WriteAheadLog open(
      Path dir, long segmentSize, boolean fsync, long minNextLsn, Logger log, Meter meter)
      throws IOException {
    return new WriteAheadLog(dir, segmentSize, fsync, minNextLsn, log, meter);
  }

  /** What recovery found when the log was opened. */
  public WalRecovery.Result recovery() {
    return recovery;
  }

  /** Receives every durable group of records, in LSN order, on the writer thread. */
  public void onDurable(Consumer<List<WalRecord>> listener) {
    this.listener = listener;
  }

  /**
   * Appends a record; the future completes with it once it is durable (fsynced, unless the log was
   * opened without fsync), or fails with a {@link RetryableException}. Futures complete on the
   * log's acknowledging thread, in append order, never on the writer thread.
   *
   * @param decoded {@code request} as a message, handed on to the listener with the record
   */
  public CompletableFuture<WalRecord> append(
      Signal signal, long receivedAtNanos, byte[] request, Message decoded) {
    CompletableFuture<WalRecord> done = new CompletableFuture<>();
    synchronized (lifecycle) {
      if (closed) {
        done.completeExceptionally(new RetryableException("shutting down", Duration.ofSeconds(1)));
        return done;
      }
      queue.add(new Append(signal, receivedAtNanos, request, decoded, done));
    }
    return done;
  }

  /**
   * Reads every record from {@code fromLsn} on, in order, handing each to {@code handler}. Only for
   * recovery, before the first append.
   */
  public void replay(long fromLsn, RecordHandler handler) throws IOException {
    for (Map.Entry<Long, Path> segment : segments.entrySet()) {
      long base = segment.getKey();
      Long next = segments.higherKey(base);
      if (next != null && next <= fromLsn) {
        continue;
      }
      long size = Files.size(segment.getValue());
      if (base + size <= fromLsn) {
        continue;
      }
      try (InputStream in =
          new BufferedInputStream(Files.newInputStream(segment.getValue()), 1 << 20)) {
        long lsn = base;
        if (fromLsn > base) {
          WalFormat.skipFully(in, fromLsn - base);
          lsn = fromLsn;
        }
        while (WalFormat.read(in, lsn) instanceof WalFormat.Valid valid) {
          handler.handle(valid.record());
          lsn = valid.record().end();
        }
      }
    }
  }

  /** Handles one replayed record. */
  @FunctionalInterface
  public interface RecordHandler {
    void handle(WalRecord record) throws IOException;
  }

  /** Deletes the segments whose every record lies before {@code lsn} (never the open one). */
  public void deleteBefore(long lsn) {
    for (Map.Entry<Long, Path> segment : segments.entrySet()) {
      Long next = segments.higherKey(segment.getKey());
      if (next == null || next > lsn) {
        return;
      }
      try {
        Files.deleteIfExists(segment.getValue());
        segments.remove(segment.getKey());
      } catch (IOException e) {
        log.warn("cannot delete {}: {}", segment.getValue(), e.toString());
      }
    }
  }

  /** The end of the last durable record: everything acknowledged lies before it. */
  public long durableEnd() {
    return durableEnd;
  }

  /**
   * Copies the bytes of [{@code fromLsn}, {@code toLsn}) — whole segments, the open one cut at
   * {@code toLsn} — into {@code target}, keeping segment names. Run where no checkpoint can delete
   * segments meanwhile (the indexer thread). Returns the bytes copied.
   */
  public long copyTo(Path target, long fromLsn, long toLsn) throws IOException {
    Files.createDirectories(target);
    long copied = 0;
    for (Map.Entry<Long, Path> segment : segments.entrySet()) {
      long base = segment.getKey();
      Long next = segments.higherKey(base);
      if (base >= toLsn || (next != null && next <= fromLsn)) {
        continue;
      }
      long length = Math.min(Files.size(segment.getValue()), toLsn - base);
      try (FileChannel in = FileChannel.open(segment.getValue(), StandardOpenOption.READ);
          FileChannel out =
              FileChannel.open(
                  target.resolve(segment.getValue().getFileName()),
                  StandardOpenOption.CREATE_NEW,
                  StandardOpenOption.WRITE)) {
        long position = 0;
        while (position < length) {
          position += in.transferTo(position, length - position, out);
        }
        out.force(true);
      }
      copied += length;
    }
    syncDirectory(target);
    return copied;
  }

  /** The number of segment files. */
  public int segmentCount() {
    return segments.size();
  }

  private void writeLoop() {
    List<Append> group = new ArrayList<>();
    while (true) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (group.contains(CRASH)) {
        return;
      }
      queue.drainTo(group, MAX_GROUP - 1);
      boolean closing = group.remove(CLOSE);
      if (!group.isEmpty()) {
        commit(group);
      }
      group.clear();
      if (closing) {
        return;
      }
    }
  }

  private void commit(List<Append> group) {
    long groupStart = position;
    long groupSegment = segmentBase;
    List<WalRecord> written = new ArrayList<>(group.size());
    try {
      ByteBuffer buffer = null;
      for (Append append : group) {
        int frame = WalFormat.frameSize(append.request());
        long inSegment = position + (buffer == null ? 0 : buffer.position());
        if (inSegment > 0 && inSegment + frame > segmentSize) {
          flush(buffer);
          buffer = null;
          roll();
        }
        if (buffer == null || buffer.remaining() < frame) {
          flush(buffer);
          buffer = ByteBuffer.allocate(Math.max(frame, 1 << 20));
        }
        long lsn = segmentBase + position + buffer.position();
        WalFormat.encode(append.signal(), append.receivedAtNanos(), append.request(), buffer);
        written.add(
            new WalRecord(
                lsn,
                lsn + frame,
                append.signal(),
                append.receivedAtNanos(),
                append.request(),
                Optional.ofNullable(append.decoded())));
      }
      flush(buffer);
      if (fsync) {
        long started = System.nanoTime();
        channel.force(false);
        fsyncLatency.record((System.nanoTime() - started) / 1e6);
      }
    } catch (IOException | RuntimeException e) {
      rollBack(groupSegment, groupStart);
      RetryableException failure =
          new RetryableException("write-ahead log: " + e.getMessage(), Duration.ofSeconds(1), e);
      List<Append> failed = List.copyOf(group);
      acknowledger.execute(
          () -> failed.forEach(append -> append.done().completeExceptionally(failure)));
      log.error("write-ahead log append failed: {}", e.toString());
      return;
    }
    durableEnd = written.getLast().end();
    List<CompletableFuture<WalRecord>> done = new ArrayList<>(group.size());
    group.forEach(append -> done.add(append.done()));
    // The listener first: whoever is acknowledged may at once ask what is still unindexed or
    // unshipped, and must find these records counted.
    try {
      listener.accept(written);
    } catch (RuntimeException e) {
      log.error("write-ahead log listener failed", e);
    }
    acknowledger.execute(
        () -> {
          for (int i = 0; i < done.size(); i++) {
            done.get(i).complete(written.get(i));
          }
        });
  }

  private void flush(ByteBuffer buffer) throws IOException {
    if (buffer == null || buffer.position() == 0) {
      return;
    }
    buffer.flip();
    while (buffer.hasRemaining()) {
      position += channel.write(buffer);
    }
  }

  /**
   * Cuts a failed group off the log, so no torn or unacknowledged frame stays behind: back to where
   * the group began, in the segment it began in. Segments it rolled into hold nothing else and are
   * deleted; a roll that failed half-way (old segment closed, new one not open) is undone too.
   */
  private void rollBack(long groupSegment, long groupStart) {
    try {
      if (groupSegment != segmentBase || !channel.isOpen()) {
        channel.close();
        for (Long base : List.copyOf(segments.tailMap(groupSegment, false).keySet())) {
          Files.deleteIfExists(segments.remove(base));
        }
        syncDirectory(dir);
        channel = FileChannel.open(segments.get(groupSegment), StandardOpenOption.WRITE);
        segmentBase = groupSegment;
      }
      channel.truncate(groupStart);
      channel.position(groupStart);
      position = groupStart;
    } catch (IOException | RuntimeException e) {
      log.error("cannot roll back a failed append: {}", e.toString());
    }
  }

  private void roll() throws IOException {
    if (fsync) {
      channel.force(false);
    }
    channel.close();
    openSegment(segmentBase + position);
  }

  private void openSegment(long base) throws IOException {
    Path file = dir.resolve(WalFormat.fileName(base));
    // Past the log's end there is no record, only what a failed roll may have left: overwrite it.
    channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    segmentBase = base;
    position = 0;
    segments.put(base, file);
    syncDirectory(dir);
  }

  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    }
  }

  /**
   * Stops as a killed process would: the writer thread ends where it is, queued appends are never
   * acknowledged, nothing more is synced. For crash tests.
   */
  public void crash() throws IOException {
    synchronized (lifecycle) {
      closed = true;
      queue.addFirst(CRASH);
    }
    joinWriter();
    channel.close();
  }

  /** Waits for the writer thread, then for the acknowledgements it handed on. */
  private void joinWriter() {
    try {
      writer.join();
      acknowledger.shutdown();
      if (!acknowledger.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
        log.warn("write-ahead log acknowledgements did not finish within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Completes what is queued, then closes the open segment. Appends after this fail. */
  @Override
  public void close() throws IOException {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(CLOSE);
    }
    joinWriter();
    for (Append left = queue.poll(); left != null; left = queue.poll()) {
      if (left != CLOSE) {
        left.done()
            .completeExceptionally(new RetryableException("shutting down", Duration.ofSeconds(1)));
      }
    }
    if (fsync) {
      channel.force(false);
    }
    channel.close();
  }
}
