package dev.spyglass.storage.embedded;

import com.google.protobuf.Message;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.storage.StorageComponent;
import dev.spyglass.storage.TelemetryReader;
import dev.spyglass.storage.patterns.PatternQueries;
import dev.spyglass.storage.patterns.PatternState;
import dev.spyglass.storage.wal.WriteAheadLog;
import io.opentelemetry.api.metrics.Meter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The embedded store (docs/adr/0005): a write-ahead log in front of time-partitioned Lucene
 * indexes. {@link #write} acknowledges a batch once it is durable in the log; an indexer makes it
 * searchable within the refresh interval; {@link #reader()} searches it. Opening replays what the
 * indexes had not committed, so nothing acknowledged is lost across a crash.
 */
public final class TelemetryStore implements StorageComponent, Closeable {
  /** Up to this much unindexed data, the indexer is handed requests as decoded messages. */
  static final long IN_MEMORY_LAG = 4L << 20;

  private final StoreConfig config;
  private final Path root;
  private final Logger log;
  private final LongSupplier clock;
  private final PartitionSet partitions;
  private final WriteAheadLog wal;
  private final Indexer indexer;
  private final LuceneReader reader;
  private final dev.spyglass.storage.tail.LiveTail tail;
  private final PatternState patterns;
  private final AtomicLong pendingBytes = new AtomicLong();
  private final ScheduledExecutorService maintenance;
  private final List<String> walProblems;
  private volatile boolean diskLow;
  private volatile boolean closed;

  private TelemetryStore(StoreConfig config, Path root, Logger log, Meter meter, LongSupplier clock)
      throws IOException {
    this(config, root, log, meter, clock, io.opentelemetry.api.common.Attributes.empty());
  }

  /** {@code labels} ({@code tenant=…}) on the store's gauges, when several stores share a meter. */
  private TelemetryStore(
      StoreConfig config,
      Path root,
      Logger log,
      Meter meter,
      LongSupplier clock,
      io.opentelemetry.api.common.Attributes labels)
      throws IOException {
    this.config = config;
    this.log = log;
    this.clock = clock;
    this.root = root.toAbsolutePath();
    Files.createDirectories(root);
    // What a snapshot being encrypted left when the process ended.
    EncryptedSnapshots.deleteTree(root.resolve(STAGING));
    this.partitions = new PartitionSet(root, config.partitionDuration().toNanos(), log);
    long checkpoint = Checkpoint.read(root);
    long minNextLsn = Math.max(checkpoint, partitions.maxCommittedLsn());
    this.wal =
        WriteAheadLog.open(
            root.resolve("wal"),
            config.walSegmentSize(),
            config.durability() == StoreConfig.Durability.FSYNC,
            minNextLsn,
            log,
            meter);
    this.walProblems = wal.recovery().problems();
    dev.spyglass.storage.RecordFields.Limits limits =
        new dev.spyglass.storage.RecordFields.Limits(
            config.limits().maxIndexedAttributes(),
            config.limits().maxIndexedValueLength(),
            meter
                .counterBuilder("spyglass_store_attributes_not_indexed")
                .setDescription("Attributes over the limits: stored, not indexed")
                .build());
    this.patterns =
        config.patterns().enabled()
            ? PatternState.open(root, config.patterns().maxPerService(), log)
            : null;
    this.indexer =
        new Indexer(
            partitions,
            new RecordMapper(
                limits,
                patterns == null
                    ? dev.spyglass.storage.RecordFields.PatternIds.NONE
                    : patterns::mine),
            patterns,
            root,
            wal,
            config,
            clock,
            pendingBytes,
            checkpoint,
            log,
            meter);
    replay(checkpoint);
    // Its own mapper: what a tail maps must not count twice in the attributes-left-out counter.
    this.tail =
        new dev.spyglass.storage.tail.LiveTail(
            new dev.spyglass.storage.RecordFields(
                new dev.spyglass.storage.RecordFields.Limits(
                    limits.maxAttributes(),
                    limits.maxValueLength(),
                    io.opentelemetry.api.metrics.MeterProvider.noop()
                        .get("tail")
                        .counterBuilder("left_out")
                        .build()),
                patterns == null
                    ? dev.spyglass.storage.RecordFields.PatternIds.NONE
                    : patterns::peek),
            query -> PatternQueries.parse(query, config.query().allowLeadingWildcard(), patterns),
            id ->
                patterns == null
                    ? dev.spyglass.storage.LogPattern.NONE
                    : patterns.resolve(id).orElse(dev.spyglass.storage.LogPattern.NONE),
            log,
            meter);
    wal.onDurable(
        batch -> {
          indexer.enqueue(batch);
          tail.acknowledged(batch);
        });
    indexer.start();
    this.reader =
        new LuceneReader(partitions, config.query().allowLeadingWildcard(), tail, patterns);
    this.maintenance =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("spyglass-store-maintenance").daemon().unstarted(r));
    long refresh = config.refreshInterval().toMillis();
    maintenance.scheduleWithFixedDelay(this::refresh, refresh, refresh, TimeUnit.MILLISECONDS);
    maintenance.scheduleWithFixedDelay(() -> checkDisk(root), 0, 1, TimeUnit.SECONDS);
    meter
        .gaugeBuilder("spyglass_wal_quarantined_segments")
        .ofLongs()
        .setDescription("WAL segments found corrupt at start-up and copied to wal/quarantine")
        .buildWithCallback(m -> m.record(walProblems.size(), labels));
    meter
        .gaugeBuilder("spyglass_store_indexing_lag")
        .ofLongs()
        .setUnit("By")
        .setDescription("Acknowledged bytes not yet indexed")
        .buildWithCallback(m -> m.record(pendingBytes.get(), labels));
  }

  /**
   * Opens (or creates) the store at {@code config.path()}, recovering the WAL and replaying what
   * the indexes had not committed; returns when the store is ready.
   */
  public static TelemetryStore open(StoreConfig config, Logger log, Meter meter)
      throws IOException {
    return open(config, log, meter, TelemetryStore::now);
  }

  /** As {@link #open(StoreConfig, Logger, Meter)}, with a clock (Unix epoch ns) for tests. */
  static TelemetryStore open(StoreConfig config, Logger log, Meter meter, LongSupplier clock)
      throws IOException {
    return new TelemetryStore(config, Path.of(config.path()), log, meter, clock);
  }

  /**
   * As {@link #open(StoreConfig, Logger, Meter)}, in {@code root} (which may be a path of a test
   * file system, as {@code PowerLossFileSystem}'s) rather than at {@code config.path()}.
   */
  static TelemetryStore open(StoreConfig config, Path root, Logger log, Meter meter)
      throws IOException {
    return new TelemetryStore(config, root, log, meter, TelemetryStore::now);
  }

  /**
   * As {@link #open(StoreConfig, Logger, Meter)}, the store of {@code tenant} (its gauges say so).
   */
  static TelemetryStore openForTenant(StoreConfig config, Logger log, Meter meter, String tenant)
      throws IOException {
    return new TelemetryStore(
        config,
        Path.of(config.path()),
        log,
        meter,
        TelemetryStore::now,
        io.opentelemetry.api.common.Attributes.of(
            io.opentelemetry.api.common.AttributeKey.stringKey("tenant"), tenant));
  }

  private void replay(long checkpoint) throws IOException {
    long started = System.nanoTime();
    long[] records = {0};
    wal.replay(
        checkpoint,
        record -> {
          indexer.replay(record);
          records[0]++;
        });
    if (records[0] > 0) {
      indexer.checkpoint();
      partitions.refreshAllBlocking();
      log.info(
          "replayed {} write-ahead log records in {} ms",
          records[0],
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  /**
   * Takes a batch; the future completes when it is durable in the write-ahead log, or fails with a
   * {@link RetryableException} when the store is shutting down, the indexer is too far behind, or
   * the disk is nearly full.
   */
  public CompletableFuture<Void> write(Telemetry batch) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new RetryableException("shutting down", Duration.ofSeconds(1)));
    }
    long lag = pendingBytes.get();
    if (lag > config.backpressure().maxIndexingLag()) {
      return CompletableFuture.failedFuture(
          new RetryableException(
              "indexing is " + (lag >> 20) + " MiB behind the write-ahead log",
              Duration.ofSeconds(1)));
    }
    if (diskLow) {
      return CompletableFuture.failedFuture(
          new RetryableException(
              "free disk space is under backpressure.min_free_disk", Duration.ofSeconds(5)));
    }
    byte[] request = batch.request().toByteArray();
    long pending = pendingBytes.addAndGet(request.length);
    // The indexer maps the message itself while it keeps up; behind, it decodes the bytes again, so
    // that a lagging indexer queues compact bytes, not decoded messages several times their size.
    Message decoded = pending <= IN_MEMORY_LAG ? batch.request() : null;
    return wal.append(batch.signal(), clock.getAsLong(), request, decoded)
        .handle(
            (record, failure) -> {
              if (failure != null) {
                pendingBytes.addAndGet(-request.length);
                throw failure instanceof RuntimeException r
                    ? r
                    : new IllegalStateException(failure);
              }
              return null;
            });
  }

  @Override
  public TelemetryConsumer consumer() {
    return this::write;
  }

  @Override
  public TelemetryReader reader() {
    return reader;
  }

  @Override
  public Health check() {
    return health();
  }

  /**
   * Not ready when indexing has stopped; ready otherwise, with the write-ahead log's quarantined
   * segments, if any, as the detail.
   */
  public Health health() {
    if (closed) {
      return Health.notReady("the store is closed");
    }
    String failure = indexer.failure();
    if (failure != null) {
      return Health.notReady(failure);
    }
    if (diskLow) {
      return Health.notReady("free disk space is under backpressure.min_free_disk");
    }
    return walProblems.isEmpty() ? Health.ok() : new Health(true, String.join("; ", walProblems));
  }

  @Override
  public java.util.Optional<Path> directory() {
    return java.util.Optional.of(root);
  }

  /**
   * Writes a consistent copy of the store into {@code target} (absent or empty) while it keeps
   * running: everything acknowledged before the call is in the copy.
   */
  public Snapshots.Snapshot snapshot(Path target) throws IOException {
    return snapshot(target, java.util.Optional.empty());
  }

  /**
   * As {@link #snapshot(Path)}, every file encrypted with {@code key} when there is one (docs/adr/
   * 0021). The plain copy is made first under the store's own directory ({@code snapshot-staging},
   * which holds nothing the store does not), encrypted into {@code target}, and deleted.
   */
  public Snapshots.Snapshot snapshot(Path target, java.util.Optional<SnapshotKey> key)
      throws IOException {
    if (closed) {
      throw new IOException("the store is closed");
    }
    Path destination = target.toAbsolutePath();
    if (key.isEmpty()) {
      return Snapshots.create(destination, indexer, partitions, wal);
    }
    Snapshots.requireEmpty(destination);
    Path staging =
        root.resolve(STAGING).resolve(destination.getFileName() + "-" + System.nanoTime());
    try {
      Snapshots.Snapshot plain = Snapshots.create(staging, indexer, partitions, wal);
      EncryptedSnapshots.encrypt(staging, destination, key.get());
      return new Snapshots.Snapshot(
          destination, plain.partitions(), plain.checkpoint(), plain.walBytes());
    } catch (IOException | RuntimeException e) {
      EncryptedSnapshots.deleteTree(destination);
      throw e;
    } finally {
      EncryptedSnapshots.deleteTree(staging);
    }
  }

  /** Under the store's directory: plain copies being encrypted into a snapshot. */
  static final String STAGING = "snapshot-staging";

  /**
   * Copies a snapshot made by {@link #snapshot} into {@code dataDir} (absent or empty), for a store
   * to open there. Not for a directory a running store uses.
   */
  public static void restore(Path snapshot, Path dataDir) throws IOException {
    restore(snapshot, dataDir, List.of());
  }

  /**
   * As {@link #restore(Path, Path)}; an encrypted snapshot is decrypted with whichever of {@code
   * keys} it names, and refused — nothing left in {@code dataDir} — if any file is missing,
   * truncated, altered or unlisted, or no key fits.
   */
  public static void restore(Path snapshot, Path dataDir, List<SnapshotKey> keys)
      throws IOException {
    Path from = snapshot.toAbsolutePath();
    if (EncryptedSnapshots.isEncrypted(from)) {
      Snapshots.requireEmpty(dataDir.toAbsolutePath());
      EncryptedSnapshots.decrypt(from, dataDir.toAbsolutePath(), keys);
    } else {
      Snapshots.restore(from, dataDir.toAbsolutePath());
    }
  }

  private void refresh() {
    try {
      partitions.refreshAll();
    } catch (IOException | RuntimeException e) {
      log.warn("refresh failed: {}", e.toString());
    }
  }

  private void checkDisk(Path root) {
    try {
      long free = Files.getFileStore(root).getUsableSpace();
      boolean low = free < config.backpressure().minFreeDisk();
      if (low != diskLow) {
        log.warn(
            low
                ? "free disk {} bytes: refusing writes"
                : "free disk {} bytes: accepting writes again",
            free);
      }
      diskLow = low;
    } catch (IOException e) {
      log.warn("cannot read free disk space: {}", e.toString());
    }
  }

  /**
   * Refuses new writes, completes the ones in flight, indexes and commits everything, and closes
   * the files.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    stopMaintenance();
    wal.close();
    tail.close();
    indexer.stop();
    partitions.close();
  }

  /**
   * Stops as a killed process would: nothing more is committed or synced, uncommitted index changes
   * are dropped, unacknowledged appends never complete. For crash tests.
   */
  void crash() throws IOException {
    closed = true;
    stopMaintenance();
    wal.crash();
    tail.close();
    indexer.halt();
    IOException failed = null;
    for (Partition partition : partitions.all()) {
      try {
        partition.crash(); // each one, even if the disk is gone for another
      } catch (IOException e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  /** Holds or resumes indexing. For backpressure tests. */
  void pauseIndexing(boolean pause) {
    indexer.pause(pause);
  }

  /** Commits now (as the commit interval would). For tests. */
  void checkpointNow() {
    indexer.requestCheckpoint().orTimeout(30, TimeUnit.SECONDS).join();
  }

  /** Lets a running refresh finish: interrupting Lucene I/O would close its files. */
  private void stopMaintenance() {
    maintenance.shutdown();
    try {
      if (!maintenance.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("store maintenance did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long now() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
