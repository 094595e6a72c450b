package dev.spyglass.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.storage.Otlp;
import dev.spyglass.storage.StorageComponent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The {@code spyglass} exporter: hands out its store once open, and counts itself. */
class SpyglassExporterTest {
  @TempDir Path dir;
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();

  private static final Host HOST =
      new Host() {
        @Override
        public Map<ComponentId, dev.spyglass.pipeline.component.Extension> extensions() {
          return Map.of();
        }

        @Override
        public Map<ComponentId, dev.spyglass.pipeline.component.Exporter> exporters() {
          return Map.of();
        }

        @Override
        public Health readiness() {
          return Health.ok();
        }
      };

  private long count(String name) {
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals(name))
        .map(MetricData::getLongSumData)
        .flatMap(sum -> sum.getPoints().stream())
        .filter(p -> "spyglass".equals(p.getAttributes().get(AttributeKey.stringKey("exporter"))))
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  @Test
  void counts_whatTheStoreTookAndRefused_underTheCollectorsNames() {
    SpyglassExporter exporter =
        new SpyglassExporter(
            new ComponentSettings(
                ComponentId.of("spyglass"),
                ComponentKind.EXPORTER,
                Optional.empty(),
                LoggerFactory.getLogger("exporter/spyglass"),
                SdkMeterProvider.builder().registerMetricReader(metrics).build().get("test")),
            LuceneStoreContractTest.config(dir));
    assertThat(exporter.storage()).isEmpty();
    assertThat(exporter.consume(Otlp.logs("svc", log(1)))).isCompletedExceptionally();
    assertThat(count("otelcol_exporter_send_failed_log_records")).isEqualTo(1);

    exporter.start(HOST);
    assertThat(exporter.storage()).get().isInstanceOf(StorageComponent.class);
    exporter.consume(Otlp.logs("svc", log(2), log(3), log(4))).join();
    exporter
        .consume(
            Otlp.traces(
                "svc",
                Otlp.span(
                    "0000000000000000000000000000000a",
                    "00000000000000a1",
                    "op",
                    Otlp.T0,
                    1,
                    io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER,
                    false)))
        .join();
    exporter.shutdown();
    assertThat(exporter.consume(Otlp.logs("svc", log(5), log(6)))).isCompletedExceptionally();

    assertThat(count("otelcol_exporter_sent_log_records")).isEqualTo(3);
    assertThat(count("otelcol_exporter_sent_spans")).isEqualTo(1);
    assertThat(count("otelcol_exporter_send_failed_log_records")).isEqualTo(3);
  }

  private static io.opentelemetry.proto.logs.v1.LogRecord log(int i) {
    return Otlp.log(Otlp.T0 + i, SeverityNumber.SEVERITY_NUMBER_INFO, "line " + i);
  }
}
