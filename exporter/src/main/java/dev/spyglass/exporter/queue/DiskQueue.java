package dev.spyglass.exporter.queue;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.Traces;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;

/**
 * A sending queue kept in a directory, so that queued batches survive a restart (ADR 0010).
 *
 * <p>Segment files {@code <first sequence>.queue} hold frames {@code u32 length | u32 CRC32C | u64
 * sequence | u8 signal | OTLP request}; one thread appends every waiting offer and fsyncs once per
 * group before their futures complete. {@code watermark} holds the lowest sequence not yet
 * finished; a segment whose frames all lie below it is deleted, judged by the highest sequence it
 * holds (not by its name: a failed write may leave a segment behind or continue in an older one).
 * Frames are read back from disk when taken.
 */
public final class DiskQueue implements SendingQueue {
  static final long SEGMENT_BYTES = 8L << 20;
  private static final int HEADER_BYTES = 8;
  private static final int PREFIX_BYTES = 9;
  private static final String SUFFIX = ".queue";
  private static final long WATERMARK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Path directory;
  private final int capacity;
  private final long segmentBytes;
  private final long watermarkEveryNanos;
  private final Logger log;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition pendingOrStop = lock.newCondition();
  // Guarded by lock.
  private final ArrayDeque<Location> waiting = new ArrayDeque<>();
  private final TreeSet<Long> unfinished = new TreeSet<>();
  // Read-only channels, one per segment: an interrupted reader closes its channel (NIO does), and
  // that must never close the channel being written.
  private final NavigableMap<Long, FileChannel> segments = new TreeMap<>();
  private final Map<Long, Long> highestIn = new HashMap<>();
  private final List<Offer> pending = new ArrayList<>();
  private long nextSequence;
  private long persistedWatermark;
  private boolean closed;
  // Only the writer thread touches these after open.
  private FileChannel current; // the segment being written, opened for writing
  private long currentFirst;
  private long currentSize;
  // A failed group could not get back to the segment it began in: the next starts a new one.
  private boolean currentDamaged;
  private long lastWatermarkWrite;
  private final Thread writer;

  private record Location(long sequence, long segment, long offset, int length) {}

  private record Offer(Telemetry batch, CompletableFuture<Void> done) {}

  private DiskQueue(
      Path directory, int capacity, long segmentBytes, long watermarkEveryNanos, Logger log) {
    this.directory = directory;
    this.capacity = capacity;
    this.segmentBytes = segmentBytes;
    this.watermarkEveryNanos = watermarkEveryNanos;
    this.log = log;
    this.writer =
        Thread.ofPlatform().daemon().name("queue-writer " + directory).unstarted(this::writeLoop);
  }

  /** Opens (or creates) the queue in {@code directory}, reading back every unfinished batch. */
  public static DiskQueue open(Path directory, int capacity, Logger log) throws IOException {
    return open(directory, capacity, SEGMENT_BYTES, WATERMARK_EVERY_NANOS, log);
  }

  /** As {@link #open(Path, int, Logger)}, with small segments and a busy watermark for tests. */
  static DiskQueue open(
      Path directory, int capacity, long segmentBytes, long watermarkEveryNanos, Logger log)
      throws IOException {
    Files.createDirectories(directory);
    DiskQueue queue = new DiskQueue(directory, capacity, segmentBytes, watermarkEveryNanos, log);
    queue.recover();
    queue.writer.start();
    return queue;
  }

  private void recover() throws IOException {
    long watermark = readWatermark();
    List<Path> files;
    try (Stream<Path> list = Files.list(directory)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
    }
    long highest = watermark - 1;
    int recovered = 0;
    for (Path file : files) {
      long first = firstSequence(file);
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      segments.put(first, channel);
      long size = channel.size();
      long offset = 0;
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      while (offset + HEADER_BYTES <= size) {
        header.clear();
        readFully(channel, header, offset);
        int length = header.getInt(0);
        int crc = header.getInt(4);
        if (length < PREFIX_BYTES || offset + HEADER_BYTES + length > size) {
          break;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(channel, body, offset + HEADER_BYTES);
        if (crc32c(body.array(), 0, length) != crc) {
          break;
        }
        long sequence = body.getLong(0);
        if (sequence >= watermark) {
          waiting.add(new Location(sequence, first, offset, length));
          unfinished.add(sequence);
          recovered++;
        }
        highest = Math.max(highest, sequence);
        highestIn.merge(first, sequence, Math::max);
        offset += HEADER_BYTES + length;
      }
      if (offset < size) {
        log.error(
            "sending queue file {} ends in {} unreadable bytes (torn or corrupt); they are skipped",
            file,
            size - offset);
      }
    }
    nextSequence = Math.max(highest + 1, watermark);
    persistedWatermark = watermark;
    if (recovered > 0) {
      log.info(
          "sending queue {}: {} batches waiting from before the restart", directory, recovered);
    }
    deleteFinishedSegments(watermark);
    openSegment(nextSequence);
  }

  @Override
  public CompletableFuture<Void> offer(Telemetry batch) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.failedFuture(
            new RetryableException("exporter is shutting down", Duration.ZERO));
      }
      if (unfinished.size() + pending.size() >= capacity) {
        return CompletableFuture.failedFuture(
            new RetryableException(
                "sending queue is full (" + capacity + " batches)", Duration.ofSeconds(1)));
      }
      pending.add(new Offer(batch, done));
      pendingOrStop.signal();
    } finally {
      lock.unlock();
    }
    return done;
  }

  private void writeLoop() {
    while (true) {
      List<Offer> group;
      lock.lock();
      try {
        if (pending.isEmpty() && !closed) {
          pendingOrStop.awaitNanos(watermarkEveryNanos);
        }
        if (closed) {
          return;
        }
        group = new ArrayList<>(pending);
        pending.clear();
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      if (!group.isEmpty()) {
        write(group);
      }
      persistWatermarkIfMoved();
    }
  }

  private void write(List<Offer> group) {
    List<Location> written = new ArrayList<>(group.size());
    long startSegment = currentFirst;
    long startSize = -1;
    long sequence;
    lock.lock();
    try {
      sequence = nextSequence;
    } finally {
      lock.unlock();
    }
    long firstSequence = sequence;
    try {
      if (currentDamaged) {
        openSegment(sequence);
        currentDamaged = false;
      }
      startSegment = currentFirst;
      startSize = currentSize;
      for (Offer offer : group) {
        if (currentSize >= segmentBytes) {
          current.force(false);
          openSegment(sequence);
        }
        byte[] payload = offer.batch().request().toByteArray();
        byte[] tenant =
            offer
                .batch()
                .context()
                .tenant()
                .map(id -> id.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .orElse(null);
        int length = PREFIX_BYTES + (tenant == null ? 0 : 1 + tenant.length) + payload.length;
        ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + length);
        frame.putInt(length).putInt(0).putLong(sequence);
        frame.put(code(offer.batch().signal(), tenant != null));
        if (tenant != null) {
          frame.put((byte) tenant.length).put(tenant);
        }
        frame.put(payload);
        frame.putInt(4, crc32c(frame.array(), HEADER_BYTES, length));
        frame.flip();
        long offset = currentSize;
        while (frame.hasRemaining()) {
          current.write(frame, offset + frame.position());
        }
        currentSize = offset + frame.limit();
        written.add(new Location(sequence, currentFirst, offset, length));
        sequence++;
      }
      current.force(false);
    } catch (IOException | RuntimeException e) {
      log.error("sending queue {}: cannot write: {}", directory, e.toString());
      undo(startSegment, startSize);
      lock.lock();
      try {
        // Never reuse the sequences of frames that may be left on disk whole.
        nextSequence = firstSequence + group.size();
      } finally {
        lock.unlock();
      }
      RetryableException failure =
          new RetryableException(
              "sending queue cannot write to disk: " + e, Duration.ofSeconds(1), e);
      group.forEach(offer -> offer.done().completeExceptionally(failure));
      return;
    }
    lock.lock();
    try {
      for (Location location : written) {
        waiting.add(location);
        unfinished.add(location.sequence());
        highestIn.merge(location.segment(), location.sequence(), Math::max);
      }
      nextSequence = written.getLast().sequence() + 1;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    group.forEach(offer -> offer.done().complete(null));
  }

  /**
   * Removes what a failed group wrote: segments it opened, and its frames in the first one. Writes
   * are positional, so the next group overwrites what this one left even if the truncation fails;
   * if the group cannot get back to its first segment, the next one starts a new segment.
   */
  private void undo(long startSegment, long startSize) {
    if (startSize < 0) {
      currentDamaged = true;
      return;
    }
    try {
      List<Map.Entry<Long, FileChannel>> opened;
      lock.lock();
      try {
        opened = copy(segments.tailMap(startSegment, false));
        opened.forEach(segment -> forget(segment.getKey()));
      } finally {
        lock.unlock();
      }
      for (Map.Entry<Long, FileChannel> segment : opened) {
        segment.getValue().close();
        Files.deleteIfExists(segmentPath(segment.getKey()));
      }
      if (currentFirst != startSegment) {
        currentDamaged = true;
        FileChannel start = FileChannel.open(segmentPath(startSegment), StandardOpenOption.WRITE);
        current.close();
        current = start;
        currentFirst = startSegment;
        currentDamaged = false;
      }
      currentSize = startSize;
      current.truncate(startSize);
    } catch (IOException e) {
      log.error("sending queue {}: cannot undo a failed write: {}", directory, e.toString());
    }
  }

  @Override
  public QueuedBatch take() throws InterruptedException {
    while (true) {
      Location location;
      FileChannel channel;
      lock.lockInterruptibly();
      try {
        while (waiting.isEmpty()) {
          notEmpty.await();
        }
        location = waiting.poll();
        channel = segments.get(location.segment());
      } finally {
        lock.unlock();
      }
      try {
        return new QueuedBatch(location.sequence(), read(channel, location));
      } catch (ClosedByInterruptException e) {
        // NIO closed the channel under the interrupted reader: the batch stays queued.
        lock.lock();
        try {
          waiting.addFirst(location);
          reopenReader(location.segment(), channel);
        } finally {
          lock.unlock();
        }
        Thread.interrupted();
        throw new InterruptedException("interrupted while reading batch " + location.sequence());
      } catch (IOException | RuntimeException e) {
        log.error(
            "sending queue {}: batch {} cannot be read back and is dropped: {}",
            directory,
            location.sequence(),
            e.toString());
        finished(location.sequence());
      }
    }
  }

  /** Replaces a segment's reader an interrupt closed; the caller holds the lock. */
  private void reopenReader(long segment, FileChannel closed) {
    if (segments.get(segment) != closed) {
      return;
    }
    try {
      segments.put(segment, FileChannel.open(segmentPath(segment), StandardOpenOption.READ));
    } catch (IOException e) {
      log.error("sending queue {}: cannot reopen segment {}: {}", directory, segment, e.toString());
    }
  }

  private static Telemetry read(FileChannel channel, Location location) throws IOException {
    ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + location.length());
    readFully(channel, frame, location.offset());
    if (crc32c(frame.array(), HEADER_BYTES, location.length()) != frame.getInt(4)) {
      throw new IOException("checksum mismatch");
    }
    int at = HEADER_BYTES + PREFIX_BYTES;
    int code = frame.get(HEADER_BYTES + 8);
    RequestContext context = RequestContext.EMPTY;
    if ((code & WITH_TENANT) != 0) {
      int tenantLength = Byte.toUnsignedInt(frame.get(at));
      context =
          RequestContext.ofTenant(
              Optional.of(
                  new String(
                      frame.array(),
                      at + 1,
                      tenantLength,
                      java.nio.charset.StandardCharsets.US_ASCII)));
      at += 1 + tenantLength;
    }
    byte[] payload = new byte[HEADER_BYTES + location.length() - at];
    System.arraycopy(frame.array(), at, payload, 0, payload.length);
    return switch (code & ~WITH_TENANT) {
      case 0 -> Traces.of(ExportTraceServiceRequest.parseFrom(payload), context);
      case 1 -> Metrics.of(ExportMetricsServiceRequest.parseFrom(payload), context);
      case 2 -> Logs.of(ExportLogsServiceRequest.parseFrom(payload), context);
      default -> throw new IOException("unknown signal code " + code);
    };
  }

  /**
   * Set in a frame's signal code when a tenant id (a length byte, then ASCII) precedes the data.
   */
  private static final int WITH_TENANT = 0x10;

  @Override
  public void finished(QueuedBatch batch) {
    finished(batch.sequence());
  }

  private void finished(long sequence) {
    lock.lock();
    try {
      unfinished.remove(sequence);
    } finally {
      lock.unlock();
    }
  }

  private long watermark() {
    lock.lock();
    try {
      return unfinished.isEmpty() ? nextSequence : unfinished.first();
    } finally {
      lock.unlock();
    }
  }

  private void persistWatermarkIfMoved() {
    long now = System.nanoTime();
    long watermark = watermark();
    if (watermark == persistedWatermark || now - lastWatermarkWrite < watermarkEveryNanos) {
      return;
    }
    lastWatermarkWrite = now;
    try {
      writeWatermark(watermark);
      deleteFinishedSegments(watermark);
    } catch (IOException e) {
      log.error("sending queue {}: cannot record progress: {}", directory, e.toString());
    }
  }

  private void writeWatermark(long watermark) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(12).putLong(watermark);
    bytes.putInt(crc32c(bytes.array(), 0, 8)).flip();
    Path temporary = directory.resolve("watermark.tmp");
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    }
    try {
      Files.move(
          temporary,
          directory.resolve("watermark"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, directory.resolve("watermark"), StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory();
    persistedWatermark = watermark;
  }

  private long readWatermark() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(directory.resolve("watermark"));
    } catch (NoSuchFileException e) {
      return 0;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (bytes.length != 12 || crc32c(bytes, 0, 8) != buffer.getInt(8)) {
      log.error(
          "sending queue {}: watermark file is corrupt; every batch on disk is sent again",
          directory);
      return 0;
    }
    return buffer.getLong(0);
  }

  /** Deletes every segment whose frames all lie below {@code watermark}, except the one written. */
  private void deleteFinishedSegments(long watermark) throws IOException {
    List<Map.Entry<Long, FileChannel>> finished = new ArrayList<>();
    lock.lock();
    try {
      for (Map.Entry<Long, FileChannel> segment : segments.entrySet()) {
        boolean written = current != null && segment.getKey() == currentFirst;
        if (highestIn.getOrDefault(segment.getKey(), -1L) < watermark && !written) {
          finished.add(Map.entry(segment.getKey(), segment.getValue()));
        }
      }
      finished.forEach(segment -> forget(segment.getKey()));
    } finally {
      lock.unlock();
    }
    for (Map.Entry<Long, FileChannel> segment : finished) {
      segment.getValue().close();
      Files.deleteIfExists(segmentPath(segment.getKey()));
    }
  }

  /**
   * The entries of {@code segments}, copied: a {@code TreeMap} entry held across a removal may take
   * another segment's key and channel (the map moves a successor into a removed node).
   */
  private static List<Map.Entry<Long, FileChannel>> copy(Map<Long, FileChannel> segments) {
    List<Map.Entry<Long, FileChannel>> copies = new ArrayList<>();
    segments.forEach((first, channel) -> copies.add(Map.entry(first, channel)));
    return copies;
  }

  /** Drops a segment from the queue's books; the caller holds the lock. */
  private void forget(long first) {
    segments.remove(first);
    highestIn.remove(first);
  }

  /** Starts segment {@code first} and makes it the one written; the previous one is synced. */
  private void openSegment(long first) throws IOException {
    FileChannel channel =
        FileChannel.open(segmentPath(first), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileChannel reader;
    try {
      channel.truncate(0); // debris of a segment no frame of which was read back
      syncDirectory();
      reader = FileChannel.open(segmentPath(first), StandardOpenOption.READ);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    lock.lock();
    try {
      highestIn.remove(first);
      FileChannel previous = segments.put(first, reader);
      if (previous != null) {
        previous.close();
      }
    } finally {
      lock.unlock();
    }
    if (current != null) {
      current.close();
    }
    current = channel;
    currentFirst = first;
    currentSize = 0;
  }

  private Path segmentPath(long first) {
    return directory.resolve("%020d%s".formatted(first, SUFFIX));
  }

  private static long firstSequence(Path file) {
    String name = file.getFileName().toString();
    try {
      return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    } catch (NumberFormatException e) {
      throw new UncheckedIOException(new IOException("not a queue segment: " + file));
    }
  }

  private void syncDirectory() throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + buffer.position());
      if (read < 0) {
        throw new IOException("unexpected end of file");
      }
    }
    buffer.flip();
  }

  private static byte code(Signal signal, boolean withTenant) {
    return (byte) (signal.ordinal() | (withTenant ? WITH_TENANT : 0));
  }

  private static int crc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  @Override
  public int size() {
    lock.lock();
    try {
      return unfinished.size() + pending.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public boolean persistent() {
    return true;
  }

  @Override
  public void close() {
    List<Offer> refused;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      refused = new ArrayList<>(pending);
      pending.clear();
      pendingOrStop.signalAll();
    } finally {
      lock.unlock();
    }
    RetryableException shuttingDown =
        new RetryableException("exporter is shutting down", Duration.ZERO);
    refused.forEach(offer -> offer.done().completeExceptionally(shuttingDown));
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      long watermark = watermark();
      if (watermark != persistedWatermark) {
        writeWatermark(watermark);
      }
      deleteFinishedSegments(watermark);
    } catch (IOException e) {
      log.error(
          "sending queue {}: cannot record progress at shutdown: {}", directory, e.toString());
    }
    lock.lock();
    try {
      for (FileChannel channel : segments.values()) {
        try {
          channel.close();
        } catch (IOException e) {
          log.warn("sending queue {}: {}", directory, e.toString());
        }
      }
      segments.clear();
      if (current != null) {
        current.close();
      }
    } catch (IOException e) {
      log.warn("sending queue {}: {}", directory, e.toString());
    } finally {
      lock.unlock();
    }
  }
}
