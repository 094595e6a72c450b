package dev.spyglass.processor.resourcedetection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ResourceDetectionTest {

  private static Map<String, AnyValue> run(ResourceDetectionConfig config) {
    AtomicReference<Telemetry> out = new AtomicReference<>();
    var processor =
        new ResourceDetectionFactory(
                Map.of(
                        "OTEL_RESOURCE_ATTRIBUTES",
                        "service.name=from-env,team=checkout%20team,region=eu")
                    ::get)
            .create(
                new ComponentSettings(
                    ComponentId.of("resourcedetection"),
                    ComponentKind.PROCESSOR,
                    Optional.of("logs"),
                    LoggerFactory.getLogger("rd"),
                    MeterProvider.noop().get("t")),
                config,
                Signal.LOGS,
                batch -> {
                  out.set(batch);
                  return CompletableFuture.completedFuture(null);
                });
    Logs logs =
        Logs.of(
            ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(
                    ResourceLogs.newBuilder()
                        .setResource(
                            Resource.newBuilder()
                                .addAttributes(
                                    KeyValue.newBuilder()
                                        .setKey("service.name")
                                        .setValue(AnyValue.newBuilder().setStringValue("mine"))))
                        .addScopeLogs(
                            ScopeLogs.newBuilder().addLogRecords(LogRecord.getDefaultInstance())))
                .build(),
            RequestContext.EMPTY);
    processor.consume(logs).join();
    return ((Logs) out.get())
        .request().getResourceLogs(0).getResource().getAttributesList().stream()
            .collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
  }

  @Test
  void detectedAttributes_areAdded_existingOnesKept() {
    Map<String, AnyValue> resource =
        run(new ResourceDetectionConfig(List.of("env", "system", "process"), false));
    assertThat(resource.get("service.name").getStringValue()).isEqualTo("mine");
    assertThat(resource.get("team").getStringValue()).isEqualTo("checkout team");
    assertThat(resource.get("region").getStringValue()).isEqualTo("eu");
    assertThat(resource.get("host.name").getStringValue()).isNotBlank();
    assertThat(resource.get("os.type").getStringValue()).isEqualTo("linux");
    assertThat(resource.get("process.pid").getIntValue()).isEqualTo(ProcessHandle.current().pid());
    assertThat(resource.get("process.runtime.name").getStringValue()).isNotBlank();
  }

  @Test
  void override_replacesExistingAttributes() {
    Map<String, AnyValue> resource = run(new ResourceDetectionConfig(List.of("env"), true));
    assertThat(resource.get("service.name").getStringValue()).isEqualTo("from-env");
  }
}
