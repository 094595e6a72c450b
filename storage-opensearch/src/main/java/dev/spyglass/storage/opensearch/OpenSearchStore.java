package dev.spyglass.storage.opensearch;

import com.google.protobuf.Message;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.storage.LogPattern;
import dev.spyglass.storage.RecordFields;
import dev.spyglass.storage.StorageComponent;
import dev.spyglass.storage.TelemetryReader;
import dev.spyglass.storage.patterns.PatternQueries;
import dev.spyglass.storage.patterns.PatternState;
import dev.spyglass.storage.tail.LiveTail;
import dev.spyglass.storage.wal.WriteAheadLog;
import io.opentelemetry.api.metrics.Meter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;

/**
 * The storage contract on an OpenSearch cluster (docs/adr/0018): requests are acknowledged once
 * fsynced in a local write-ahead log, then shipped with {@code _bulk}; reads go to the cluster, so
 * any Spyglass instance sharing it answers for all data.
 */
public final class OpenSearchStore implements StorageComponent, TelemetryConsumer, Closeable {
  private final OpenSearchConfig config;
  private final Path root;
  private final WriteAheadLog wal;
  private final Connection connection;
  private final Shipper shipper;
  private final OpenSearchReader reader;
  private final LiveTail tail;
  private final PatternState patterns;
  private final IndexRetention retention;
  private volatile boolean closed;

  private OpenSearchStore(OpenSearchConfig config, Logger log, Meter meter) throws IOException {
    this.config = config;
    this.root = Path.of(config.path()).toAbsolutePath();
    Files.createDirectories(root);
    String instance = instance(root);
    ShippedPosition shipped = new ShippedPosition(root);
    long from = shipped.read();
    this.wal = WriteAheadLog.open(root.resolve("wal"), 64L << 20, true, from, log, meter);
    this.connection = new Connection(config.http());
    IndexLayout layout = new IndexLayout(config);
    this.retention =
        new IndexRetention(
            connection, layout, config.retention().maxAge(), OpenSearchStore::now, meter, log);
    // Mined on the shipper's thread in log order, saved before each shipped position.
    this.patterns = PatternState.open(root, 10_000, log);
    RecordFields fields =
        new RecordFields(
            new RecordFields.Limits(
                config.limits().maxIndexedAttributes(),
                config.limits().maxIndexedValueLength(),
                meter
                    .counterBuilder("spyglass_store_attributes_not_indexed")
                    .setDescription("Attributes over the limits: stored, not indexed")
                    .build()),
            patterns::mine);
    this.shipper =
        new Shipper(
            wal,
            connection,
            layout,
            fields,
            shipped,
            patterns,
            instance,
            config.bulk(),
            retention::expired,
            meter,
            log);
    wal.replay(from, shipper::add);
    // Its own fields: what a tail maps must not count twice in the attributes-left-out counter.
    this.tail =
        new LiveTail(
            new RecordFields(
                new RecordFields.Limits(
                    config.limits().maxIndexedAttributes(),
                    config.limits().maxIndexedValueLength(),
                    io.opentelemetry.api.metrics.MeterProvider.noop()
                        .get("tail")
                        .counterBuilder("left_out")
                        .build()),
                patterns::peek),
            query -> PatternQueries.parse(query, false, patterns),
            id -> patterns.resolve(id).orElse(LogPattern.NONE),
            log,
            meter);
    wal.onDurable(
        records -> {
          records.forEach(shipper::add);
          tail.acknowledged(records);
        });
    shipper.start();
    retention.start();
    this.reader = new OpenSearchReader(connection, layout, tail, patterns);
  }

  /** Opens the local log at {@code config.path()}, replaying what OpenSearch has not confirmed. */
  public static OpenSearchStore open(OpenSearchConfig config, Logger log, Meter meter)
      throws IOException {
    return new OpenSearchStore(config, log, meter);
  }

  /** This instance's id, made once and kept in the data directory: part of every document id. */
  private static String instance(Path root) throws IOException {
    Path file = root.resolve("instance-id");
    if (Files.exists(file)) {
      return Files.readString(file).strip();
    }
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Path next = root.resolve("instance-id.next");
    Files.writeString(next, id);
    Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    WriteAheadLog.syncDirectory(root);
    return id;
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new RetryableException("the store is closed", Duration.ofSeconds(1)));
    }
    long unshipped = shipper.unshippedBytes();
    if (unshipped > config.maxUnshippedMib() << 20) {
      return CompletableFuture.failedFuture(
          new RetryableException(
              "OpenSearch is behind: "
                  + (unshipped >> 20)
                  + " MiB acknowledged and not yet confirmed ("
                  + shipper.lastFailure()
                  + ")",
              Duration.ofSeconds(5)));
    }
    Message request = batch.request();
    return wal.append(batch.signal(), now(), request.toByteArray(), request)
        .thenApply(record -> null);
  }

  private static long now() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public TelemetryConsumer consumer() {
    return this;
  }

  @Override
  public TelemetryReader reader() {
    return reader;
  }

  @Override
  public Health check() {
    if (closed) {
      return Health.notReady("the store is closed");
    }
    if (shipper.unshippedBytes() > config.maxUnshippedMib() << 20) {
      return Health.notReady("OpenSearch is behind: " + shipper.lastFailure());
    }
    String failure = shipper.lastFailure();
    return failure.isEmpty() ? Health.ok() : new Health(true, "OpenSearch: " + failure);
  }

  @Override
  public Optional<Path> directory() {
    return Optional.of(root);
  }

  /** Waits until OpenSearch has confirmed everything acknowledged so far (tests, shutdown). */
  public boolean awaitShipped(Duration timeout) throws InterruptedException {
    return shipper.drain(timeout.toMillis());
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      shipper.drain(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    retention.close();
    wal.close();
    tail.close();
    shipper.close();
    connection.close();
  }
}
