package dev.spyglass.pipeline.service;

import static dev.spyglass.pipeline.component.ComponentKind.CONNECTOR;
import static dev.spyglass.pipeline.component.ComponentKind.EXPORTER;
import static dev.spyglass.pipeline.component.ComponentKind.PROCESSOR;
import static dev.spyglass.pipeline.component.ComponentKind.RECEIVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.pipeline.testing.TestConfigs;
import dev.spyglass.pipeline.testing.TestData;
import dev.spyglass.pipeline.testing.TestFactories;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectorTest {
  private final TestFactories test = new TestFactories();

  private TestConfigs chained() {
    return TestConfigs.builder()
        .define(RECEIVER, "testrcv")
        .define(PROCESSOR, "testproc/in", "testproc/out")
        .define(CONNECTOR, "testconn")
        .define(EXPORTER, "testexp")
        .pipeline("logs/in", List.of("testrcv"), List.of("testproc/in"), List.of("testconn"))
        .pipeline("logs/out", List.of("testconn"), List.of("testproc/out"), List.of("testexp"));
  }

  @Test
  void connector_joinsPipelines_andAcknowledgesThroughThem() {
    Service service = Service.create(chained().build(), test.factories(), MeterProvider.noop());
    service.start();
    try {
      test.receivers.get(ComponentId.of("testrcv")).receive(TestData.logs(2)).join();
      assertThat(test.exporters.get(ComponentId.of("testexp")).received()).hasSize(1);
    } finally {
      service.shutdown();
    }
  }

  @Test
  void lifecycle_startsDownstreamOfTheConnectorFirst_andShutsDownUpstreamFirst() {
    Service service = Service.create(chained().build(), test.factories(), MeterProvider.noop());
    service.start();
    service.shutdown();
    assertThat(test.lifecycle.events())
        .containsExactly(
            "start exporter/testexp",
            "start processor/testproc/out[logs/out]",
            "start connector/testconn",
            "start processor/testproc/in[logs/in]",
            "start receiver/testrcv",
            "shutdown receiver/testrcv",
            "shutdown processor/testproc/in[logs/in]",
            "shutdown connector/testconn",
            "shutdown processor/testproc/out[logs/out]",
            "shutdown exporter/testexp");
  }

  @Test
  void connectorsInACycle_areRefused() {
    TestConfigs cycle =
        TestConfigs.builder()
            .define(RECEIVER, "testrcv")
            .define(CONNECTOR, "testconn/a", "testconn/b")
            .pipeline("logs/1", List.of("testrcv", "testconn/b"), List.of(), List.of("testconn/a"))
            .pipeline("logs/2", List.of("testconn/a"), List.of(), List.of("testconn/b"));
    assertThatThrownBy(() -> Service.create(cycle.build(), test.factories(), MeterProvider.noop()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("connectors form a cycle");
  }

  @Test
  void connectorUsedOnOneSideOnly_isRefused() {
    TestConfigs half =
        TestConfigs.builder()
            .define(RECEIVER, "testrcv")
            .define(CONNECTOR, "testconn")
            .define(EXPORTER, "testexp")
            .pipeline("logs", List.of("testrcv"), List.of(), List.of("testexp", "testconn"));
    assertThatThrownBy(() -> Service.check(half.build(), test.factories()))
        .hasMessageContaining(
            "connector 'testconn' must be the exporter of one pipeline and the receiver of another");
  }
}
