package dev.spyglass.processor.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.testing.TestData;
import io.opentelemetry.api.metrics.MeterProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Batches of different tenants are gathered apart and keep their tenant (issue 20). */
class BatchProcessorTenantTest {

  private static Telemetry logsOf(String tenant, int n) {
    return Logs.of(
        TestData.logs(n).request(),
        RequestContext.ofTenant(tenant == null ? Optional.empty() : Optional.of(tenant)));
  }

  @Test
  void interleavedTenants_areNeverMerged_andEachMergedBatchKeepsItsTenant() throws Exception {
    List<Telemetry> sent = new ArrayList<>();
    BatchProcessor batch =
        new BatchProcessor(
            new ComponentSettings(
                ComponentId.of("batch"),
                ComponentKind.PROCESSOR,
                Optional.of("logs"),
                LoggerFactory.getLogger("batch"),
                MeterProvider.noop().get("t")),
            new BatchConfig(6, Duration.ofMillis(50), 0),
            b -> {
              synchronized (sent) {
                sent.add(b);
              }
              return CompletableFuture.completedFuture(null);
            });
    batch.start(null);
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      acks.add(batch.consume(logsOf("a", 2)));
      acks.add(batch.consume(logsOf("b", 2)));
      acks.add(batch.consume(logsOf(null, 2)));
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
    batch.shutdown();

    assertThat(sent).hasSize(6); // 12 records per tenant, 6 a batch
    for (Telemetry merged : sent) {
      assertThat(merged.itemCount()).isEqualTo(6);
    }
    assertThat(sent.stream().map(t -> t.context().tenant()))
        .containsOnly(Optional.of("a"), Optional.of("b"), Optional.empty());
    assertThat(sent.stream().filter(t -> t.context().tenant().equals(Optional.of("a")))).hasSize(2);
  }
}
