package dev.spyglass.pipeline.service;

import static dev.spyglass.pipeline.component.ComponentKind.EXPORTER;
import static dev.spyglass.pipeline.component.ComponentKind.EXTENSION;
import static dev.spyglass.pipeline.component.ComponentKind.PROCESSOR;
import static dev.spyglass.pipeline.component.ComponentKind.RECEIVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spyglass.pipeline.ConsumeException;
import dev.spyglass.pipeline.PermanentException;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.pipeline.testing.TestComponentConfig;
import dev.spyglass.pipeline.testing.TestConfigs;
import dev.spyglass.pipeline.testing.TestData;
import dev.spyglass.pipeline.testing.TestFactories;
import dev.spyglass.pipeline.testing.TestReceiver;
import io.opentelemetry.api.metrics.MeterProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceTest {
  private final TestFactories test = new TestFactories();
  private Service service;

  @AfterEach
  void shutdown() {
    if (service != null) {
      service.shutdown();
    }
  }

  private Service start(TestConfigs config) {
    service = Service.create(config.build(), test.factories(), MeterProvider.noop());
    service.start();
    return service;
  }

  private TestReceiver receiver(String id) {
    return test.receivers.get(ComponentId.parse(id));
  }

  @Test
  void batch_isAcknowledgedOnlyWhenEveryExporterTookIt() {
    start(
        TestConfigs.builder()
            .define(RECEIVER, "testrcv")
            .define(EXPORTER, "testexp/a", "testexp/b")
            .pipeline("logs", List.of("testrcv"), List.of(), List.of("testexp/a", "testexp/b")));
    CompletableFuture<Void> a = new CompletableFuture<>();
    CompletableFuture<Void> b = new CompletableFuture<>();
    test.exporters.get(ComponentId.parse("testexp/a")).answerWith(batch -> a);
    test.exporters.get(ComponentId.parse("testexp/b")).answerWith(batch -> b);

    CompletableFuture<Void> ack = receiver("testrcv").receive(TestData.logs(3));

    assertThat(ack).isNotDone();
    b.complete(null);
    assertThat(ack).isNotDone();
    a.complete(null);
    assertThat(ack).isCompleted();
    assertThat(test.exporters.get(ComponentId.parse("testexp/a")).received()).hasSize(1);
    assertThat(test.exporters.get(ComponentId.parse("testexp/b")).received()).hasSize(1);
  }

  @Test
  void receiver_sharedByPipelinesOfDifferentSignals_routesEachSignalToItsPipeline() {
    start(
        TestConfigs.builder()
            .define(RECEIVER, "testrcv")
            .define(EXPORTER, "testexp/traces", "testexp/logs")
            .pipeline("traces", List.of("testrcv"), List.of(), List.of("testexp/traces"))
            .pipeline("logs", List.of("testrcv"), List.of(), List.of("testexp/logs")));

    assertThat(test.receivers).hasSize(1);
    assertThat(receiver("testrcv").consumers().signals())
        .containsExactlyInAnyOrder(Signal.TRACES, Signal.LOGS);
    receiver("testrcv").receive(TestData.traces(2)).join();
    receiver("testrcv").receive(TestData.logs(1)).join();

    assertThat(test.exporters.get(ComponentId.parse("testexp/traces")).received())
        .singleElement()
        .satisfies(batch -> assertThat(batch.signal()).isEqualTo(Signal.TRACES));
    assertThat(test.exporters.get(ComponentId.parse("testexp/logs")).received())
        .singleElement()
        .satisfies(batch -> assertThat(batch.signal()).isEqualTo(Signal.LOGS));
    assertThat(receiver("testrcv").consumers().forSignal(Signal.METRICS)).isEmpty();
  }

  @Test
  void severalReceivers_feedOnePipeline() {
    start(
        TestConfigs.builder()
            .define(RECEIVER, "testrcv/1", "testrcv/2")
            .define(EXPORTER, "testexp")
            .pipeline("logs", List.of("testrcv/1", "testrcv/2"), List.of(), List.of("testexp")));

    receiver("testrcv/1").receive(TestData.logs(1)).join();
    receiver("testrcv/2").receive(TestData.logs(2)).join();

    assertThat(test.exporters.get(ComponentId.of("testexp")).received())
        .extracting(batch -> batch.itemCount())
        .containsExactly(1, 2);
  }

  @Test
  void receiver_inTwoPipelinesOfOneSignal_feedsBoth_withProcessorsPerPipeline() {
    start(
        TestConfigs.builder()
            .define(RECEIVER, "testrcv")
            .define(PROCESSOR, "testproc")
            .define(EXPORTER, "testexp/a", "testexp/b")
            .pipeline("logs/a", List.of("testrcv"), List.of("testproc"), List.of("testexp/a"))
            .pipeline("logs/b", List.of("testrcv"), List.of("testproc"), List.of("testexp/b")));

    receiver("testrcv").receive(TestData.logs(1)).join();

    assertThat(test.processors.keySet())
        .containsExactlyInAnyOrder("processor/testproc[logs/a]", "processor/testproc[logs/b]");
    assertThat(test.processors.values()).allSatisfy(p -> assertThat(p.batches()).isEqualTo(1));
    assertThat(test.exporters.get(ComponentId.parse("testexp/a")).received()).hasSize(1);
    assertThat(test.exporters.get(ComponentId.parse("testexp/b")).received()).hasSize(1);
  }

  @Test
  void exporter_sharedByPipelines_isOneInstance() {
    start(
        TestConfigs.builder()
            .define(RECEIVER, "testrcv")
            .define(EXPORTER, "testexp")
            .pipeline("logs", List.of("testrcv"), List.of(), List.of("testexp"))
            .pipeline("traces", List.of("testrcv"), List.of(), List.of("testexp")));

    receiver("testrcv").receive(TestData.logs(1)).join();
    receiver("testrcv").receive(TestData.traces(1)).join();

    assertThat(test.exporters).hasSize(1);
    assertThat(test.exporters.get(ComponentId.of("testexp")).received()).hasSize(2);
  }

  @Test
  void permanentFailure_reachesTheReceiverAsPermanent() {
    start(
        TestConfigs.builder()
            .define(RECEIVER, "testrcv")
            .define(PROCESSOR, "testproc")
            .define(EXPORTER, "testexp")
            .pipeline("logs", List.of("testrcv"), List.of("testproc"), List.of("testexp")));
    test.exporters
        .get(ComponentId.of("testexp"))
        .answerWith(b -> CompletableFuture.failedFuture(new PermanentException("bad record")));

    assertThat(failureOf(receiver("testrcv").receive(TestData.logs(1))))
        .isInstanceOf(PermanentException.class)
        .hasMessage("bad record");
  }

  @Test
  void mixedFailures_areRetryable_withTheLongestRetryAfter() {
    start(twoExporters());
    test.exporters
        .get(ComponentId.parse("testexp/a"))
        .answerWith(b -> CompletableFuture.failedFuture(new PermanentException("bad")));
    test.exporters
        .get(ComponentId.parse("testexp/b"))
        .answerWith(
            b ->
                CompletableFuture.failedFuture(
                    new RetryableException("disk full", Duration.ofSeconds(5))));

    ConsumeException failure = failureOf(receiver("testrcv").receive(TestData.logs(1)));

    assertThat(failure).isInstanceOf(RetryableException.class).hasMessageContaining("disk full");
    assertThat(((RetryableException) failure).retryAfter()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void allFailuresPermanent_arePermanent() {
    start(twoExporters());
    test.exporters
        .values()
        .forEach(
            e -> e.answerWith(b -> CompletableFuture.failedFuture(new PermanentException("no"))));

    assertThat(failureOf(receiver("testrcv").receive(TestData.logs(1))))
        .isInstanceOf(PermanentException.class)
        .hasMessage("no; no");
  }

  @Test
  void exporterThatThrows_isAnInternalRetryableError_notACrash() {
    start(twoExporters());
    test.exporters
        .get(ComponentId.parse("testexp/a"))
        .answerWith(
            b -> {
              throw new IllegalStateException("bug");
            });

    assertThat(failureOf(receiver("testrcv").receive(TestData.logs(1))))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("internal error")
        .hasMessageContaining("bug");
    assertThat(test.exporters.get(ComponentId.parse("testexp/b")).received()).hasSize(1);
  }

  @Test
  void lifecycle_startsDownstreamFirst_andShutsDownUpstreamFirst() {
    start(
        TestConfigs.builder()
            .define(EXTENSION, "testext")
            .serviceExtensions("testext")
            .define(RECEIVER, "testrcv")
            .define(PROCESSOR, "testproc/1", "testproc/2")
            .define(EXPORTER, "testexp")
            .pipeline(
                "logs",
                List.of("testrcv"),
                List.of("testproc/1", "testproc/2"),
                List.of("testexp")));
    service.shutdown();

    assertThat(test.lifecycle.events())
        .containsExactly(
            "start extension/testext",
            "start exporter/testexp",
            "start processor/testproc/2[logs]",
            "start processor/testproc/1[logs]",
            "start receiver/testrcv",
            "shutdown receiver/testrcv",
            "shutdown processor/testproc/1[logs]",
            "shutdown processor/testproc/2[logs]",
            "shutdown exporter/testexp",
            "shutdown extension/testext");
  }

  @Test
  void componentThatFailsToStart_stopsTheOthers_andIsNamed() {
    Service failing =
        Service.create(
            TestConfigs.builder()
                .define(RECEIVER, "testrcv", new TestComponentConfig(true, ""))
                .define(EXPORTER, "testexp")
                .pipeline("logs", List.of("testrcv"), List.of(), List.of("testexp"))
                .build(),
            test.factories(),
            MeterProvider.noop());

    assertThatThrownBy(failing::start)
        .hasMessageContaining("receiver/testrcv failed to start: told to fail");
    assertThat(test.lifecycle.events())
        .containsExactly(
            "start exporter/testexp", "shutdown receiver/testrcv", "shutdown exporter/testexp");
    assertThat(failing.readiness().ready()).isFalse();
  }

  @Test
  void readiness_followsLifecycleAndComponentChecks() {
    service =
        Service.create(
            TestConfigs.builder()
                .define(RECEIVER, "testrcv")
                .define(EXPORTER, "testexp")
                .pipeline("logs", List.of("testrcv"), List.of(), List.of("testexp"))
                .build(),
            test.factories(),
            MeterProvider.noop());
    assertThat(service.readiness()).isEqualTo(Health.notReady("service is created"));

    service.start();
    assertThat(service.readiness()).isEqualTo(Health.ok());

    test.exporters.get(ComponentId.of("testexp")).setHealth(Health.notReady("replaying WAL"));
    assertThat(service.readiness()).isEqualTo(Health.notReady("exporter/testexp: replaying WAL"));

    service.shutdown();
    assertThat(service.readiness()).isEqualTo(Health.notReady("service is stopped"));
  }

  private static TestConfigs twoExporters() {
    return TestConfigs.builder()
        .define(RECEIVER, "testrcv")
        .define(EXPORTER, "testexp/a", "testexp/b")
        .pipeline("logs", List.of("testrcv"), List.of(), List.of("testexp/a", "testexp/b"));
  }

  private static ConsumeException failureOf(CompletableFuture<Void> future) {
    assertThat(future).isCompletedExceptionally();
    return ConsumeException.classify(future.exceptionNow());
  }
}
