package dev.spyglass.storage.opensearch;

import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.storage.TelemetryReader;
import dev.spyglass.storage.TelemetryStoreContract;
import io.opentelemetry.api.metrics.MeterProvider;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The storage conformance suite against OpenSearch: one real node for the class, each test with its
 * own index prefixes and local write-ahead log.
 */
class OpenSearchStoreContractTest extends TelemetryStoreContract {
  private static OpenSearchNode node;
  private static int tests;
  @TempDir Path dir;
  private OpenSearchStore store;

  @BeforeAll
  static void startNode() throws Exception {
    node = OpenSearchNode.start();
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  @BeforeEach
  void open() throws Exception {
    String prefix = "c" + (++tests);
    store =
        OpenSearchStore.open(
            new OpenSearchConfig(
                new OpenSearchConfig.Http(node.url(), "", "", "", Duration.ofSeconds(30)),
                dir.toString(),
                prefix + "-logs",
                prefix + "-traces",
                prefix + "-metrics",
                1,
                0,
                Duration.ofMillis(100),
                new OpenSearchConfig.Bulk(5000, 8),
                1024),
            LoggerFactory.getLogger("store"),
            MeterProvider.noop().get("t"));
  }

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  @Override
  protected void write(Telemetry batch) {
    store.consume(batch).join();
  }

  @Override
  protected TelemetryReader reader() {
    return store.reader();
  }
}
