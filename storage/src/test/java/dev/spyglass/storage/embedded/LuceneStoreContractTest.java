package dev.spyglass.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.storage.InvalidQueryException;
import dev.spyglass.storage.Otlp;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.TelemetryReader;
import dev.spyglass.storage.TelemetryStoreContract;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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

  /**
   * Ids are indexed as their bytes here (docs/adr/0025): hex in either case finds them, a hex range
   * too, and what cannot be said in bytes is refused with a reason.
   */
  @Test
  void ids_matchHexInEitherCase_andPatternsThatBytesCannotSayAreRefused() throws Exception {
    write(
        Otlp.traces(
            "checkout",
            Otlp.span(
                "4bf92f3577b34da6a3ce929d0e0e4736",
                "00f067aa0ba902b7",
                "a",
                Otlp.T0,
                10,
                Span.SpanKind.SPAN_KIND_SERVER,
                false),
            Otlp.span(
                "5bf92f3577b34da6a3ce929d0e0e4736",
                "00f067aa0ba902b8",
                "b",
                Otlp.T0 + 1,
                10,
                Span.SpanKind.SPAN_KIND_SERVER,
                false)));
    await().atMost(Duration.ofSeconds(30)).until(() -> total("*") == 2);
    assertThat(total("trace_id:4BF92F3577B34DA6A3CE929D0E0E4736")).isEqualTo(1);
    assertThat(total("trace_id:4BF9*")).isEqualTo(1);
    assertThat(total("trace_id:[4b TO 5c]")).isEqualTo(2);
    assertThat(total("trace_id:{4bf92f3577b34da6a3ce929d0e0e4736 TO *]")).isEqualTo(1);
    for (String refused :
        List.of("trace_id:4b?9*", "span_id:/00f0.*/", "trace_id:4bf~", "trace_id:[4b TO 5]")) {
      assertThatThrownBy(() -> total(refused))
          .as(refused)
          .isInstanceOf(InvalidQueryException.class)
          .hasMessageContaining(refused.substring(0, refused.indexOf(':')));
    }
  }

  private long total(String query) throws Exception {
    return store
        .reader()
        .search(SearchRequest.of(Signal.TRACES, query, Long.MIN_VALUE, Long.MAX_VALUE, 10))
        .total();
  }
}
