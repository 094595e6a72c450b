package dev.spyglass.receiver.otlp;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Consumers;
import dev.spyglass.pipeline.component.Endpoint;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.pipeline.component.Host;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * A real {@code otlp} receiver on free loopback ports, whose pipelines are recording consumers
 * answering as the test chooses.
 */
final class ReceiverHarness implements AutoCloseable {
  final List<Telemetry> received = new CopyOnWriteArrayList<>();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final SdkMeterProvider meterProvider =
      SdkMeterProvider.builder().registerMetricReader(metrics).build();
  private volatile Function<Telemetry, CompletableFuture<Void>> answer =
      batch -> CompletableFuture.completedFuture(null);
  private final OtlpReceiver receiver;
  private final Map<String, Long> baseline = new java.util.HashMap<>();

  private ReceiverHarness(OtlpReceiverConfig config, Set<Signal> signals) {
    Map<Signal, TelemetryConsumer> bySignal = new EnumMap<>(Signal.class);
    TelemetryConsumer recorder =
        batch -> {
          received.add(batch);
          return answer.apply(batch);
        };
    signals.forEach(signal -> bySignal.put(signal, recorder));
    ComponentSettings settings =
        new ComponentSettings(
            ComponentId.of("otlp"),
            ComponentKind.RECEIVER,
            Optional.empty(),
            LoggerFactory.getLogger("receiver/otlp"),
            meterProvider.get("test"));
    receiver = new OtlpReceiver(settings, config, Consumers.of(bySignal));
    receiver.start(new NoHost());
  }

  /** Both protocols on free ports, all signals wired. */
  static ReceiverHarness start() {
    return start(new GrpcSettings(free(), null, null, null, null), http(null, null, null));
  }

  static ReceiverHarness start(GrpcSettings grpc, HttpSettings http) {
    return start(grpc, http, EnumSet.allOf(Signal.class));
  }

  static ReceiverHarness start(GrpcSettings grpc, HttpSettings http, Set<Signal> signals) {
    return new ReceiverHarness(
        new OtlpReceiverConfig(new OtlpReceiverConfig.Protocols(grpc, http)), signals);
  }

  static HttpSettings http(Long maxBody, AuthSettings auth, CorsSettings cors) {
    return new HttpSettings(free(), maxBody, true, null, auth, cors);
  }

  static Endpoint free() {
    return new Endpoint("127.0.0.1", 0);
  }

  void answerWith(Function<Telemetry, CompletableFuture<Void>> answer) {
    this.answer = answer;
  }

  int grpcPort() {
    return receiver.grpcPort();
  }

  int httpPort() {
    return receiver.httpPort();
  }

  String httpUrl(String path) {
    return "http://127.0.0.1:" + httpPort() + path;
  }

  /** Forgets what was received, answers success again, and zeroes the counters' view. */
  void reset() {
    received.clear();
    answer = batch -> CompletableFuture.completedFuture(null);
    baseline.clear();
    for (MetricData metric : new ArrayList<>(metrics.collectAllMetrics())) {
      baseline.merge(metric.getName(), sum(metric), Long::sum);
    }
  }

  /** The value of a receiver counter since the last {@link #reset}, summed over attributes. */
  long counter(String name) {
    long total = -baseline.getOrDefault(name, 0L);
    for (MetricData metric : new ArrayList<>(metrics.collectAllMetrics())) {
      if (metric.getName().equals(name)) {
        total += sum(metric);
      }
    }
    return total;
  }

  private static long sum(MetricData metric) {
    return metric.getLongSumData().getPoints().stream().mapToLong(p -> p.getValue()).sum();
  }

  @Override
  public void close() {
    receiver.shutdown();
    meterProvider.close();
  }

  private static final class NoHost implements Host {
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
  }
}
