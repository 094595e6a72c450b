package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.storage.TelemetryReader;
import dev.spyglass.storage.TelemetryStoreContract;
import io.opentelemetry.api.metrics.MeterProvider;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The conformance suite against the embedded Lucene store, on a real disk. */
class LuceneStoreContractTest extends TelemetryStoreContract {
  @TempDir Path dir;
  private TelemetryStore store;

  static StoreConfig config(Path dir) {
    StoreConfig defaults = StoreConfig.defaults();
    return new StoreConfig(
        dir.toString(),
        defaults.durability(),
        Duration.ofMillis(100),
        Duration.ofSeconds(1),
        defaults.partitionDuration(),
        1 << 20,
        defaults.retention(),
        defaults.limits(),
        new StoreConfig.Backpressure(64L << 20, 0),
        StoreConfig.Query.DEFAULT,
        StoreConfig.Patterns.DEFAULT);
  }

  @BeforeEach
  void open() throws Exception {
    store =
        TelemetryStore.open(
            config(dir), LoggerFactory.getLogger("store"), MeterProvider.noop().get("t"));
  }

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  @Override
  protected void write(Telemetry batch) {
    store.write(batch).join();
  }

  @Override
  protected TelemetryReader reader() {
    return store.reader();
  }
}
