package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.wal.WriteAheadLog;
import io.opentelemetry.api.metrics.MeterProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * The store's write-ahead log on its own — append and group commit, nothing indexed — for
 * benchmarks of the durable write path.
 */
public final class WalAppender implements AutoCloseable {
  private final WriteAheadLog wal;

  private WalAppender(WriteAheadLog wal) {
    this.wal = wal;
  }

  /** Opens (or creates) a log in {@code dir}; {@code fsync} as the store's durability setting. */
  public static WalAppender open(Path dir, boolean fsync) throws IOException {
    return new WalAppender(
        WriteAheadLog.open(
            dir,
            64L << 20,
            fsync,
            0,
            LoggerFactory.getLogger("wal-bench"),
            MeterProvider.noop().get("wal-bench")));
  }

  /** Appends one request; completes once it is durable. */
  public CompletableFuture<Void> append(Signal signal, byte[] request) {
    return wal.append(signal, System.nanoTime(), request, null).thenApply(record -> null);
  }

  @Override
  public void close() throws IOException {
    wal.close();
  }
}
