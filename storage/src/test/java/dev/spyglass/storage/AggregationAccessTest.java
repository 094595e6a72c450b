package dev.spyglass.storage;

import static dev.spyglass.storage.Otlp.DAY;
import static dev.spyglass.storage.Otlp.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spyglass.pipeline.Signal;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Per-segment doc-values access: what the query API's aggregations are built on. */
class AggregationAccessTest {
  @TempDir Path dir;

  @Test
  void matchingDocuments_exposeDocValues_perSegment_acrossPartitions() throws Exception {
    String trace = "5b8efff798038103d269b633813fc60c";
    try (TelemetryStore store =
        TelemetryStore.open(
            LuceneStoreContractTest.config(dir),
            LoggerFactory.getLogger("store"),
            MeterProvider.noop().get("t"))) {
      for (int day = 0; day < 3; day++) {
        store
            .write(
                Otlp.traces(
                    day == 0 ? "cart" : "checkout",
                    Otlp.span(
                        trace,
                        "00000000000000a" + day,
                        "GET /a",
                        T0 + day * DAY,
                        100 * (day + 1),
                        Span.SpanKind.SPAN_KIND_SERVER,
                        day == 2),
                    Otlp.span(
                        trace,
                        "00000000000000b" + day,
                        "GET /b",
                        T0 + day * DAY + 1,
                        1000,
                        Span.SpanKind.SPAN_KIND_SERVER,
                        false)))
            .join();
      }
      await()
          .until(
              () ->
                  store
                          .reader()
                          .search(
                              new SearchRequest(
                                  Signal.TRACES,
                                  "*",
                                  Long.MIN_VALUE,
                                  Long.MAX_VALUE,
                                  1,
                                  Optional.empty()))
                          .total()
                      == 6);

      Map<String, Long> spansPerService = new TreeMap<>();
      AtomicLong durationOfA = new AtomicLong();
      store.visitMatches(
          Signal.TRACES,
          "name:\"GET /a\"",
          T0,
          T0 + 3 * DAY,
          (segment, matches) -> {
            SortedSetDocValues services = DocValues.getSortedSet(segment, "service.name");
            NumericDocValues durations = DocValues.getNumeric(segment, "duration");
            for (int doc = matches.nextDoc();
                doc != DocIdSetIterator.NO_MORE_DOCS;
                doc = matches.nextDoc()) {
              if (services.advanceExact(doc)) {
                spansPerService.merge(
                    services.lookupOrd(services.nextOrd()).utf8ToString(), 1L, Long::sum);
              }
              if (durations.advanceExact(doc)) {
                durationOfA.addAndGet(durations.longValue());
              }
            }
          });

      assertThat(spansPerService).containsExactly(Map.entry("cart", 1L), Map.entry("checkout", 2L));
      assertThat(durationOfA.get()).isEqualTo(100 + 200 + 300);
    }
  }
}
