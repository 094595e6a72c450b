package dev.spyglass.storage.embedded;

import static dev.spyglass.storage.Otlp.DAY;
import static dev.spyglass.storage.Otlp.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.Cursor;
import dev.spyglass.storage.Otlp;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredRecord;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SnapshotTest {
  @TempDir Path dir;

  private static TelemetryStore open(Path path) throws IOException {
    return TelemetryStore.open(
        LuceneStoreContractTest.config(path),
        LoggerFactory.getLogger("store"),
        MeterProvider.noop().get("t"));
  }

  private static Map<String, Integer> bodies(TelemetryStore store) throws Exception {
    Map<String, Integer> bodies = new HashMap<>();
    Optional<Cursor> cursor = Optional.empty();
    do {
      SearchResult page =
          store
              .reader()
              .search(
                  SearchRequest.of(Signal.LOGS, "*", Long.MIN_VALUE, Long.MAX_VALUE, 1000)
                      .withAfter(cursor));
      for (StoredRecord hit : page.records()) {
        bodies.merge(
            ((ExportLogsServiceRequest) hit.toRequest())
                .getResourceLogs(0)
                .getScopeLogs(0)
                .getLogRecords(0)
                .getBody()
                .getStringValue(),
            1,
            Integer::sum);
      }
      cursor = page.next();
    } while (cursor.isPresent());
    return bodies;
  }

  @Test
  void snapshotOfARunningStore_restoresEverythingAcknowledgedBeforeIt() throws Exception {
    Path data = dir.resolve("data");
    Path snapshot = dir.resolve("snapshot");
    List<String> before = new ArrayList<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    try (TelemetryStore store = open(data)) {
      for (int i = 0; i < 30; i++) {
        String body = "before " + i;
        store
            .write(
                Otlp.logs(
                    "svc",
                    Otlp.log(T0 + (i % 3) * DAY + i, SeverityNumber.SEVERITY_NUMBER_INFO, body)))
            .join();
        before.add(body);
        if (i == 10) {
          store.checkpointNow(); // some records committed, the rest only in the WAL
        }
      }
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; writing.get(); i++) {
                      store
                          .write(
                              Otlp.logs(
                                  "svc",
                                  Otlp.log(
                                      T0 + i, SeverityNumber.SEVERITY_NUMBER_INFO, "during " + i)))
                          .join();
                    }
                  });
      Snapshots.Snapshot taken = store.snapshot(snapshot);
      writing.set(false);
      writer.join();

      assertThat(taken.partitions()).isEqualTo(3);
      assertThat(Files.exists(snapshot.resolve("checkpoint"))).isTrue();
      assertThatThrownBy(() -> store.snapshot(snapshot)).hasMessageContaining("is not empty");
    }

    Path restored = dir.resolve("restored");
    TelemetryStore.restore(snapshot, restored);
    try (TelemetryStore store = open(restored)) {
      Map<String, Integer> found = bodies(store);
      for (String body : before) {
        assertThat(found).containsEntry(body, 1);
      }
      assertThat(found.values()).containsOnly(1);
    }
    assertThatThrownBy(() -> TelemetryStore.restore(snapshot, restored))
        .hasMessageContaining("is not empty");
    assertThatThrownBy(() -> TelemetryStore.restore(dir.resolve("nothing"), dir.resolve("x")))
        .hasMessageContaining("not a Spyglass snapshot");
  }
}
