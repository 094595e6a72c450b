package dev.spyglass.processor.tailsampling;

import com.google.protobuf.ByteString;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.Traces;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.processor.ProcessorTelemetry;
import dev.spyglass.processor.tailsampling.Policies.HeldSpan;
import dev.spyglass.processor.tailsampling.Policies.Policy;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Holds each trace's spans until {@code decision_wait} after its first span, then keeps the whole
 * trace when any policy says so. Memory is bounded by {@code num_traces}: beyond it the oldest
 * undecided trace is decided early (counted). Spans of an already decided trace follow its
 * decision. Like the Collector's, it acknowledges spans on arrival: held spans are in memory only.
 */
final class TailSampler implements Processor {
  private final TailSamplingConfig config;
  private final List<Policy> policies;
  private final TelemetryConsumer next;
  private final ProcessorTelemetry telemetry;
  private final LongCounter sampled;
  private final LongCounter notSampled;
  private final LongCounter decidedEarly;
  private final Logger log;
  private final LongSupplier clock;
  private final Map<ByteString, Held> held = new LinkedHashMap<>();
  private final Map<ByteString, Boolean> decided;
  private ScheduledExecutorService ticker;

  private static final class Held {
    final long firstSeen;
    final List<HeldSpan> spans = new ArrayList<>();

    Held(long firstSeen) {
      this.firstSeen = firstSeen;
    }
  }

  TailSampler(
      ComponentSettings settings,
      TailSamplingConfig config,
      TelemetryConsumer next,
      LongSupplier clock) {
    this.config = config;
    this.clock = clock;
    this.policies = new ArrayList<>();
    for (int i = 0; i < config.policies().size(); i++) {
      policies.add(Policies.compile(config.policies().get(i), "policies." + i, clock));
    }
    this.next = next;
    this.telemetry = new ProcessorTelemetry(settings);
    this.log = settings.logger();
    var meter = settings.meter();
    this.sampled = meter.counterBuilder("spyglass_tail_sampling_traces_sampled").build();
    this.notSampled = meter.counterBuilder("spyglass_tail_sampling_traces_not_sampled").build();
    this.decidedEarly =
        meter
            .counterBuilder("spyglass_tail_sampling_traces_decided_early")
            .setDescription("Traces decided before decision_wait because num_traces was reached")
            .build();
    int remember = Math.max(1000, config.numTraces());
    this.decided =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<ByteString, Boolean> eldest) {
            return size() > remember;
          }
        };
  }

  @Override
  public void start(Host host) {
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("tail-sampling").daemon().unstarted(r));
    long tick = Math.max(10, Math.min(1000, config.decisionWait().toMillis() / 10));
    ticker.scheduleWithFixedDelay(this::decideDue, tick, tick, TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletableFuture<Void> consume(Telemetry batch) {
    telemetry.incoming(batch);
    List<HeldSpan> follow = new ArrayList<>();
    List<Map.Entry<ByteString, Held>> early = new ArrayList<>();
    synchronized (this) {
      for (ResourceSpans resource : ((Traces) batch).request().getResourceSpansList()) {
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          for (Span span : scope.getSpansList()) {
            HeldSpan one =
                new HeldSpan(
                    resource.getResource(), scope.getScope(), span, batch.context().tenant());
            Boolean decision = decided.get(span.getTraceId());
            if (decision != null) {
              if (decision) {
                follow.add(one);
              }
              continue;
            }
            Held trace = held.get(span.getTraceId());
            if (trace == null) {
              if (held.size() >= config.numTraces()) {
                Iterator<Map.Entry<ByteString, Held>> oldest = held.entrySet().iterator();
                Map.Entry<ByteString, Held> entry = oldest.next();
                oldest.remove();
                early.add(entry);
              }
              trace = new Held(clock.getAsLong());
              held.put(span.getTraceId(), trace);
            }
            trace.spans.add(one);
          }
        }
      }
    }
    if (!early.isEmpty()) {
      decidedEarly.add(early.size());
      early.forEach(entry -> decide(entry.getKey(), entry.getValue()));
    }
    forward(follow);
    return CompletableFuture.completedFuture(null);
  }

  /** Decides every trace whose wait is over. */
  void decideDue() {
    long now = clock.getAsLong();
    long wait = config.decisionWait().toNanos();
    List<Map.Entry<ByteString, Held>> due = new ArrayList<>();
    synchronized (this) {
      Iterator<Map.Entry<ByteString, Held>> traces = held.entrySet().iterator();
      while (traces.hasNext()) {
        Map.Entry<ByteString, Held> entry = traces.next();
        if (now - entry.getValue().firstSeen < wait) {
          break; // insertion order: the rest are younger
        }
        traces.remove();
        due.add(entry);
      }
    }
    due.forEach(entry -> decide(entry.getKey(), entry.getValue()));
  }

  private void decide(ByteString traceId, Held trace) {
    boolean keep = policies.stream().anyMatch(policy -> policy.sample(traceId, trace.spans));
    synchronized (this) {
      decided.put(traceId, keep);
    }
    if (keep) {
      sampled.add(1);
      forward(trace.spans);
    } else {
      notSampled.add(1);
    }
  }

  private void forward(List<HeldSpan> spans) {
    Map<Optional<String>, List<HeldSpan>> byTenant = new LinkedHashMap<>();
    for (HeldSpan span : spans) {
      byTenant.computeIfAbsent(span.tenant(), t -> new ArrayList<>()).add(span);
    }
    byTenant.forEach(this::forward);
  }

  /** Sends {@code spans}, all of {@code tenant}, as one batch of that tenant's. */
  private void forward(Optional<String> tenant, List<HeldSpan> spans) {
    Map<Resource, Map<InstrumentationScope, List<Span>>> grouped = new LinkedHashMap<>();
    for (HeldSpan span : spans) {
      grouped
          .computeIfAbsent(span.resource(), r -> new LinkedHashMap<>())
          .computeIfAbsent(span.scope(), s -> new ArrayList<>())
          .add(span.span());
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    grouped.forEach(
        (resource, scopes) -> {
          ResourceSpans.Builder out = ResourceSpans.newBuilder().setResource(resource);
          scopes.forEach(
              (scope, list) ->
                  out.addScopeSpans(ScopeSpans.newBuilder().setScope(scope).addAllSpans(list)));
          request.addResourceSpans(out);
        });
    Traces batch = Traces.of(request.build(), RequestContext.ofTenant(tenant));
    telemetry.outgoing(batch);
    TelemetryConsumer.consumeSafely(next, batch)
        .whenComplete(
            (ignored, failure) -> {
              if (failure != null) {
                telemetry.dropped(batch, batch.itemCount(), "downstream_failed");
                log.warn("sampled trace spans were refused downstream: {}", failure.toString());
              }
            });
  }

  /** Decides everything held now, so nothing waiting is lost on a clean shutdown. */
  @Override
  public void shutdown() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    List<Map.Entry<ByteString, Held>> all;
    synchronized (this) {
      all = new ArrayList<>(held.entrySet());
      held.clear();
    }
    all.forEach(entry -> decide(entry.getKey(), entry.getValue()));
  }
}
