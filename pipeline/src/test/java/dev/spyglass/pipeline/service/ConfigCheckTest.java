package dev.spyglass.pipeline.service;

import static dev.spyglass.pipeline.component.ComponentKind.EXPORTER;
import static dev.spyglass.pipeline.component.ComponentKind.PROCESSOR;
import static dev.spyglass.pipeline.component.ComponentKind.RECEIVER;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.pipeline.testing.TestConfigs;
import dev.spyglass.pipeline.testing.TestFactories;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class ConfigCheckTest {
  private final Factories factories = new TestFactories().factories();

  private AbstractThrowableAssert<?, ? extends Throwable> assertCheck(TestConfigs config) {
    return assertThatThrownBy(() -> Service.check(config.build(), factories))
        .isInstanceOf(InvalidConfigException.class);
  }

  private static TestConfigs defined() {
    return TestConfigs.builder()
        .define(RECEIVER, "testrcv", "logsonly")
        .define(PROCESSOR, "testproc")
        .define(EXPORTER, "testexp");
  }

  @Test
  void validConfig_passes() {
    assertThatCode(
            () ->
                Service.check(
                    defined()
                        .pipeline(
                            "logs", List.of("testrcv"), List.of("testproc"), List.of("testexp"))
                        .build(),
                    factories))
        .doesNotThrowAnyException();
  }

  @Test
  void undefinedReceiverInPipeline_isNamedWithItsPath() {
    assertCheck(defined().pipeline("logs", List.of("otlp"), List.of(), List.of("testexp")))
        .hasMessageContaining("receiver 'otlp' is not defined in the 'receivers' section")
        .extracting(e -> ((InvalidConfigException) e).path())
        .isEqualTo(List.of("service", "pipelines", "logs", "receivers", 0));
  }

  @Test
  void undefinedProcessorAndExporter_areNamed() {
    assertCheck(
            defined().pipeline("logs", List.of("testrcv"), List.of("batch"), List.of("testexp")))
        .hasMessageContaining("processor 'batch' is not defined in the 'processors' section");
    assertCheck(defined().pipeline("logs", List.of("testrcv"), List.of(), List.of("testexp/x")))
        .hasMessageContaining("exporter 'testexp/x' is not defined in the 'exporters' section");
  }

  @Test
  void pipelineWithoutReceivers_isRefused() {
    assertCheck(defined().pipeline("traces", List.of(), List.of(), List.of("testexp")))
        .hasMessage("pipeline 'traces' needs at least one receiver");
  }

  @Test
  void pipelineWithoutExporters_isRefused() {
    assertCheck(defined().pipeline("metrics/x", List.of("testrcv"), List.of(), List.of()))
        .hasMessage("pipeline 'metrics/x' needs at least one exporter")
        .extracting(e -> ((InvalidConfigException) e).path())
        .isEqualTo(List.of("service", "pipelines", "metrics/x", "exporters"));
  }

  @Test
  void noPipelines_isRefused() {
    assertCheck(defined()).hasMessageContaining("at least one pipeline is required");
  }

  @Test
  void componentThatDoesNotSupportTheSignal_isRefused() {
    assertCheck(defined().pipeline("traces", List.of("logsonly"), List.of(), List.of("testexp")))
        .hasMessage("receiver 'logsonly' does not support traces (it supports [logs])");
  }

  @Test
  void componentListedTwice_isRefused() {
    assertCheck(
            defined()
                .pipeline(
                    "logs",
                    List.of("testrcv"),
                    List.of("testproc", "testproc"),
                    List.of("testexp")))
        .hasMessage("processor 'testproc' is listed twice");
  }

  @Test
  void undefinedServiceExtension_isRefused() {
    assertCheck(
            defined()
                .serviceExtensions("api")
                .pipeline("logs", List.of("testrcv"), List.of(), List.of("testexp")))
        .hasMessageContaining("extension 'api' is not defined in the 'extensions' section");
  }
}
