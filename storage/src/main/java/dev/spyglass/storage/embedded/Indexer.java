package dev.spyglass.storage.embedded;

import dev.spyglass.storage.patterns.PatternState;
import dev.spyglass.storage.wal.WalRecord;
import dev.spyglass.storage.wal.WriteAheadLog;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.lucene.document.Document;
import org.slf4j.Logger;

/**
 * Adds durable WAL records to their partitions, in LSN order, on one thread; every commit interval
 * commits the partitions, moves the checkpoint, trims the WAL, applies retention and closes idle
 * partitions. The only thread that writes to partitions.
 */
final class Indexer {
  private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final PartitionSet partitions;
  private final RecordMapper mapper;
  private final PatternState patterns;
  private final java.nio.file.Path root;
  private final WriteAheadLog wal;
  private final StoreConfig config;
  private final LongSupplier clock;
  private final Logger log;
  private final BlockingQueue<WalRecord> queue = new LinkedBlockingQueue<>();
  private final AtomicLong pendingBytes;
  private final LongCounter indexed;
  private final LongCounter expired;
  private final LongCounter failed;
  private volatile long indexedLsn;
  private volatile String failure;
  private volatile Throwable failureCause;
  private volatile boolean stopping;
  private volatile boolean halted;
  private volatile boolean paused;
  private volatile CheckpointRequest checkpointRequest;
  private final java.util.Queue<java.util.concurrent.FutureTask<?>> tasks =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** A checkpoint to take once everything before {@code target} is indexed. */
  private record CheckpointRequest(long target, CompletableFuture<Void> done) {}

  private long lastCommitNanos = System.nanoTime();
  private Thread thread;

  Indexer(
      PartitionSet partitions,
      RecordMapper mapper,
      PatternState patterns,
      java.nio.file.Path root,
      WriteAheadLog wal,
      StoreConfig config,
      LongSupplier clock,
      AtomicLong pendingBytes,
      long startLsn,
      Logger log,
      Meter meter) {
    this.partitions = partitions;
    this.mapper = mapper;
    this.patterns = patterns;
    this.root = root;
    this.wal = wal;
    this.config = config;
    this.clock = clock;
    this.pendingBytes = pendingBytes;
    this.indexedLsn = startLsn;
    this.log = log;
    this.indexed = meter.counterBuilder("spyglass_store_indexed_records").build();
    this.expired =
        meter
            .counterBuilder("spyglass_store_expired_records")
            .setDescription("Records older than retention.max_age when they arrived; not indexed")
            .build();
    this.failed =
        meter
            .counterBuilder("spyglass_store_index_failures")
            .setDescription(
                "Records the index refused (logged with the reason): not searchable, not retried")
            .build();
  }

  /** Indexes one record now, on the calling thread: replay, before {@link #start}. */
  void replay(WalRecord record) throws IOException {
    index(record, false);
  }

  /** Queues durable records, in order; called by the WAL writer after each group commit. */
  void enqueue(List<WalRecord> records) {
    queue.addAll(records);
  }

  void start() {
    thread = Thread.ofPlatform().name("spyglass-indexer").daemon().start(this::run);
  }

  /** The WAL position up to which everything is in the partitions' writers. */
  long indexedLsn() {
    return indexedLsn;
  }

  /** Why indexing stopped, when it did; null while healthy. */
  String failure() {
    return failure;
  }

  /** Commits the partitions, moves the checkpoint, trims the WAL, applies retention. */
  void checkpoint() throws IOException {
    long lsn = indexedLsn;
    partitions.commitAll(lsn);
    // Before the checkpoint moves: what replay will not mine again must be in the saved patterns.
    if (patterns != null) {
      patterns.save(lsn);
    }
    Checkpoint.write(root, lsn);
    wal.deleteBefore(lsn);
    long maxAge = config.retention().maxAge().toNanos();
    partitions.applyRetention(clock.getAsLong(), maxAge, config.retention().maxSize());
    partitions.closeIdle(IDLE_NANOS);
    lastCommitNanos = System.nanoTime();
  }

  /** Saves the log patterns as of {@code lsn} into {@code directory} (a snapshot), if mined. */
  void savePatterns(java.nio.file.Path directory, long lsn) throws IOException {
    if (patterns != null) {
      patterns.save(directory, lsn);
    }
  }

  /**
   * Asks the indexer thread to checkpoint once everything acknowledged so far is indexed; completes
   * when it has. For tests.
   */
  CompletableFuture<Void> requestCheckpoint() {
    CheckpointRequest request = new CheckpointRequest(wal.durableEnd(), new CompletableFuture<>());
    checkpointRequest = request;
    return request.done();
  }

  /**
   * Runs {@code task} on the indexer thread, between two records, so it sees the partitions and the
   * WAL in a consistent state.
   */
  <T> CompletableFuture<T> runOnIndexerThread(java.util.concurrent.Callable<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    tasks.add(
        new java.util.concurrent.FutureTask<>(
            () -> {
              try {
                result.complete(task.call());
              } catch (Exception | Error e) {
                result.completeExceptionally(e);
              }
              return null;
            }));
    return result;
  }

  /** Holds indexing (records queue up) until called with false. For backpressure tests. */
  void pause(boolean pause) {
    paused = pause;
  }

  /** Stops the thread after the record at hand, without committing. For crash tests. */
  void halt() {
    halted = true;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Indexes everything queued, commits, and stops the thread. */
  void stop() throws IOException {
    stopping = true;
    if (thread != null) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (failure == null) {
      checkpoint();
    }
  }

  private void run() {
    long commitNanos = config.commitInterval().toNanos();
    List<WalRecord> batch = new ArrayList<>();
    while ((!stopping || !queue.isEmpty()) && !halted) {
      try {
        if (paused) {
          TimeUnit.MILLISECONDS.sleep(20);
          continue;
        }
        WalRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first != null && failure == null) {
          batch.add(first);
          queue.drainTo(batch, 1023);
          for (WalRecord record : batch) {
            index(record, true);
          }
          batch.clear();
        }
        for (var task = tasks.poll(); task != null; task = tasks.poll()) {
          task.run();
        }
        CheckpointRequest request = checkpointRequest;
        if (request != null && failure != null) {
          checkpointRequest = null;
          request.done().completeExceptionally(new IOException(failure, failureCause));
          continue;
        }
        boolean requested = request != null && indexedLsn >= request.target();
        if (failure == null && (requested || System.nanoTime() - lastCommitNanos >= commitNanos)) {
          checkpoint();
          if (requested) {
            checkpointRequest = null;
            request.done().complete(null);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException | Error e) {
        // The records stay in the WAL; a restart replays them. Writes back off on the lag. An
        // Error too: a dead indexer thread would leave checkpoint requests waiting forever.
        failureCause = e;
        failure = "indexing stopped: " + e;
        log.error("indexing stopped; acknowledged data stays in the write-ahead log", e);
      }
    }
  }

  private void index(WalRecord record, boolean live) throws IOException {
    List<MappedDocument> documents;
    try {
      documents = mapper.map(record);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      failed.add(1);
      log.error("WAL record at {} does not decode; skipped: {}", record.lsn(), e.getMessage());
      documents = List.of();
    }
    long expiredBefore = expiryHorizon();
    Map<Partition, List<Document>> byPartition = new IdentityHashMap<>();
    long expiredCount = 0;
    for (MappedDocument document : documents) {
      if (partitions.windowEnd(document.timestampNanos()) <= expiredBefore) {
        expiredCount++;
        continue;
      }
      Partition partition = partitions.forTimestamp(record.signal(), document.timestampNanos());
      if (record.lsn() < partition.committedLsn()) {
        continue; // replay: already in this partition's last commit
      }
      byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(document.document());
    }
    for (Map.Entry<Partition, List<Document>> entry : byPartition.entrySet()) {
      try {
        entry.getKey().add(entry.getValue());
        indexed.add(entry.getValue().size());
      } catch (IllegalArgumentException e) {
        failed.add(entry.getValue().size());
        log.error(
            "{} refused {} documents: {}", entry.getKey(), entry.getValue().size(), e.getMessage());
      }
    }
    if (expiredCount > 0) {
      expired.add(expiredCount);
    }
    indexedLsn = record.end();
    if (live) {
      pendingBytes.addAndGet(-record.request().length);
    }
  }

  private long expiryHorizon() {
    long maxAge = config.retention().maxAge().toNanos();
    return maxAge > 0 ? clock.getAsLong() - maxAge : Long.MIN_VALUE;
  }
}
