package dev.spyglass.processor.tailsampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.Traces;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.processor.tailsampling.TailSamplingConfig.PolicyConfig;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TailSamplerTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
  private final List<Telemetry> forwarded = new CopyOnWriteArrayList<>();

  private static PolicyConfig policy(String type, Object settings) {
    return new PolicyConfig(
        type,
        type,
        settings instanceof TailSamplingConfig.StatusCode s ? s : null,
        settings instanceof TailSamplingConfig.Latency l ? l : null,
        settings instanceof TailSamplingConfig.StringAttribute a ? a : null,
        settings instanceof TailSamplingConfig.NumericAttribute n ? n : null,
        settings instanceof TailSamplingConfig.Probabilistic p ? p : null,
        settings instanceof TailSamplingConfig.RateLimiting r ? r : null,
        settings instanceof TailSamplingConfig.And a ? a : null,
        settings instanceof TailSamplingConfig.Composite c ? c : null);
  }

  private TailSampler sampler(int numTraces, PolicyConfig... policies) {
    return new TailSampler(
        new ComponentSettings(
            ComponentId.of("tail_sampling"),
            ComponentKind.PROCESSOR,
            Optional.of("traces"),
            LoggerFactory.getLogger("tail"),
            MeterProvider.noop().get("t")),
        new TailSamplingConfig(Duration.ofSeconds(10), numTraces, List.of(policies)),
        batch -> {
          forwarded.add(batch);
          return CompletableFuture.completedFuture(null);
        },
        clock::get);
  }

  private static Span span(
      int trace, int id, long durationMs, boolean error, KeyValue... attributes) {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex("%032x".formatted(trace))))
        .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("%016x".formatted(id))))
        .setStartTimeUnixNano(1_000_000)
        .setEndTimeUnixNano(1_000_000 + durationMs * 1_000_000)
        .setStatus(Status.newBuilder().setCodeValue(error ? 2 : 0))
        .addAllAttributes(List.of(attributes))
        .build();
  }

  private static Traces batch(Span... spans) {
    return Traces.of(
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(Resource.getDefaultInstance())
                    .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
            .build(),
        RequestContext.EMPTY);
  }

  private Map<Integer, Long> forwardedSpansByTrace() {
    return forwarded.stream()
        .flatMap(b -> ((Traces) b).request().getResourceSpansList().stream())
        .flatMap(r -> r.getScopeSpansList().stream())
        .flatMap(s -> s.getSpansList().stream())
        .collect(
            Collectors.groupingBy(s -> (int) s.getTraceId().byteAt(15), Collectors.counting()));
  }

  @Test
  void keepsWholeTraces_anyPolicyMatches_afterDecisionWait() {
    TailSampler sampler =
        sampler(
            100,
            policy("status_code", new TailSamplingConfig.StatusCode(List.of("ERROR"))),
            policy("latency", new TailSamplingConfig.Latency(500L, null)));
    assertThat(
            sampler.consume(
                batch(span(1, 1, 10, false), span(2, 2, 10, false), span(3, 3, 10, false))))
        .isCompleted();
    sampler.consume(batch(span(1, 11, 10, true), span(2, 12, 600, false), span(3, 13, 20, false)));

    clock.addAndGet(Duration.ofSeconds(5).toNanos());
    sampler.decideDue();
    assertThat(forwarded).isEmpty();

    clock.addAndGet(Duration.ofSeconds(6).toNanos());
    sampler.decideDue();
    assertThat(forwardedSpansByTrace()).containsOnly(Map.entry(1, 2L), Map.entry(2, 2L));

    // Late spans follow their trace's decision.
    sampler.consume(batch(span(1, 21, 1, false), span(3, 23, 1, false)));
    assertThat(forwardedSpansByTrace()).containsOnly(Map.entry(1, 3L), Map.entry(2, 2L));
  }

  @Test
  void memoryIsBounded_theOldestTraceIsDecidedEarly() {
    TailSampler sampler = sampler(2, policy("always_sample", null));
    sampler.consume(batch(span(1, 1, 1, false)));
    sampler.consume(batch(span(2, 2, 1, false)));
    assertThat(forwarded).isEmpty();
    sampler.consume(batch(span(3, 3, 1, false)));
    assertThat(forwardedSpansByTrace()).containsOnly(Map.entry(1, 1L));
    sampler.shutdown();
    assertThat(forwardedSpansByTrace()).containsOnlyKeys(1, 2, 3);
  }

  @Test
  void attributePolicies_andComposition() {
    KeyValue vip =
        KeyValue.newBuilder()
            .setKey("customer.tier")
            .setValue(AnyValue.newBuilder().setStringValue("gold-plus"))
            .build();
    KeyValue retries =
        KeyValue.newBuilder()
            .setKey("retries")
            .setValue(AnyValue.newBuilder().setIntValue(7))
            .build();
    List<Policies.HeldSpan> gold =
        List.of(
            new Policies.HeldSpan(
                Resource.getDefaultInstance(),
                null,
                span(1, 1, 1, false, vip),
                java.util.Optional.empty()));
    List<Policies.HeldSpan> retried =
        List.of(
            new Policies.HeldSpan(
                Resource.getDefaultInstance(),
                null,
                span(2, 2, 1, false, retries),
                java.util.Optional.empty()));
    ByteString id = ByteString.copyFrom(new byte[16]);

    var regex =
        Policies.compile(
            policy(
                "string_attribute",
                new TailSamplingConfig.StringAttribute(
                    "customer.tier", List.of("gold.*"), true, false)),
            "p");
    assertThat(regex.sample(id, gold)).isTrue();
    var inverted =
        Policies.compile(
            policy(
                "string_attribute",
                new TailSamplingConfig.StringAttribute(
                    "customer.tier", List.of("gold-plus"), false, true)),
            "p");
    assertThat(inverted.sample(id, gold)).isFalse();
    var numeric =
        Policies.compile(
            policy(
                "numeric_attribute",
                new TailSamplingConfig.NumericAttribute("retries", 5.0, 10.0, null)),
            "p");
    assertThat(numeric.sample(id, retried)).isTrue();
    assertThat(numeric.sample(id, gold)).isFalse();
    var and =
        Policies.compile(
            policy(
                "and",
                new TailSamplingConfig.And(
                    List.of(
                        policy(
                            "numeric_attribute",
                            new TailSamplingConfig.NumericAttribute("retries", 5.0, null, null)),
                        policy("always_sample", null)))),
            "p");
    assertThat(and.sample(id, retried)).isTrue();
    assertThat(and.sample(id, gold)).isFalse();
  }

  @Test
  void rateLimiting_capsSpansPerSecond() {
    var limit =
        Policies.compile(
            policy("rate_limiting", new TailSamplingConfig.RateLimiting(3L)), "p", clock::get);
    List<Policies.HeldSpan> two =
        List.of(
            new Policies.HeldSpan(
                Resource.getDefaultInstance(),
                null,
                span(1, 1, 1, false),
                java.util.Optional.empty()),
            new Policies.HeldSpan(
                Resource.getDefaultInstance(),
                null,
                span(1, 2, 1, false),
                java.util.Optional.empty()));
    ByteString id = ByteString.copyFrom(new byte[16]);
    assertThat(limit.sample(id, two)).isTrue();
    assertThat(limit.sample(id, two)).isFalse();
    clock.addAndGet(1_000_000_000L);
    assertThat(limit.sample(id, two)).isTrue();
  }

  @Test
  void probabilistic_isConsistentAcrossInstances_andNearItsPercentage() {
    var a =
        Policies.compile(
            policy("probabilistic", new TailSamplingConfig.Probabilistic(20.0, "salt")), "p");
    var b =
        Policies.compile(
            policy("probabilistic", new TailSamplingConfig.Probabilistic(20.0, "salt")), "p");
    int kept = 0;
    for (int i = 0; i < 5000; i++) {
      ByteString id =
          ByteString.copyFrom(HexFormat.of().parseHex("%032x".formatted(i * 2654435761L)));
      boolean first = a.sample(id, List.of());
      assertThat(b.sample(id, List.of())).isEqualTo(first);
      kept += first ? 1 : 0;
    }
    assertThat(kept).isBetween(850, 1150);
  }

  @Test
  void configErrors_nameThePolicy() {
    assertThatThrownBy(() -> Policies.compile(policy("sometimes", null), "policies.0"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("unknown policy type 'sometimes'");
    assertThatThrownBy(() -> Policies.compile(policy("latency", null), "policies.1"))
        .isInstanceOf(InvalidConfigException.class)
        .extracting(e -> ((InvalidConfigException) e).path())
        .isEqualTo(List.of("policies", 1, "latency"));
  }
}
