package dev.spyglass.server.debug;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.testing.TestData;
import dev.spyglass.server.debug.DebugExporterConfig.Verbosity;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DebugExporterTest {
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final AtomicLong clock = new AtomicLong();

  private DebugExporter exporter(int initial, int thereafter) {
    return new DebugExporter(
        new ComponentSettings(
            ComponentId.of("debug"),
            ComponentKind.EXPORTER,
            Optional.empty(),
            LoggerFactory.getLogger("exporter/debug"),
            SdkMeterProvider.builder().registerMetricReader(metrics).build().get("test")),
        new DebugExporterConfig(Verbosity.DETAILED, initial, thereafter),
        clock::get);
  }

  @Test
  void sampling_logsTheFirstBatchesOfEachSecond_thenOneInN() {
    DebugExporter exporter = exporter(2, 3);

    boolean[] logged = new boolean[8];
    for (int i = 0; i < logged.length; i++) {
      logged[i] = exporter.sampled();
    }
    assertThat(logged).containsExactly(true, true, false, false, true, false, false, true);

    clock.addAndGet(1_000_000_000L);
    assertThat(exporter.sampled()).isTrue();
    assertThat(exporter.sampled()).isTrue();
    assertThat(exporter.sampled()).isFalse();
  }

  @Test
  void everyBatch_isTaken_andCounted_whetherLoggedOrNot() {
    DebugExporter exporter = exporter(0, 1000);

    assertThat(exporter.consume(TestData.logs(3))).isCompleted();
    assertThat(exporter.consume(TestData.traces(2))).isCompleted();

    assertThat(metrics.collectAllMetrics())
        .filteredOn(m -> m.getName().startsWith("otelcol_exporter_sent_"))
        .extracting(
            MetricData::getName, m -> m.getLongSumData().getPoints().iterator().next().getValue())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("otelcol_exporter_sent_log_records", 3L),
            org.assertj.core.groups.Tuple.tuple("otelcol_exporter_sent_spans", 2L));
  }
}
