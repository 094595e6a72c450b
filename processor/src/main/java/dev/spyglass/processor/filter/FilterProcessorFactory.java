package dev.spyglass.processor.filter;

import dev.spyglass.pipeline.ConsumeException;
import dev.spyglass.pipeline.PermanentException;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.Traces;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.pipeline.component.ProcessorFactory;
import dev.spyglass.processor.ProcessorTelemetry;
import dev.spyglass.processor.RecordView;
import dev.spyglass.processor.Records;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;

/**
 * The {@code filter} processor: drops spans, span events, log records and metric data points for
 * which any configured condition is true. Conditions are parsed when the configuration loads.
 */
public final class FilterProcessorFactory implements ProcessorFactory<FilterConfig> {

  @Override
  public String type() {
    return "filter";
  }

  @Override
  public Class<FilterConfig> configType() {
    return FilterConfig.class;
  }

  @Override
  public FilterConfig defaultConfig() {
    return new FilterConfig("propagate", null, null, null);
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public Processor create(
      ComponentSettings settings, FilterConfig config, Signal signal, TelemetryConsumer next) {
    List<Condition> records =
        switch (signal) {
          case TRACES -> FilterConfig.compile("traces.span", config.traces().span());
          case LOGS -> FilterConfig.compile("logs.log_record", config.logs().logRecord());
          case METRICS -> {
            List<Condition> all =
                new ArrayList<>(FilterConfig.compile("metrics.metric", config.metrics().metric()));
            all.addAll(FilterConfig.compile("metrics.datapoint", config.metrics().datapoint()));
            yield all;
          }
        };
    List<Condition> events =
        signal == Signal.TRACES
            ? FilterConfig.compile("traces.spanevent", config.traces().spanevent())
            : List.of();
    return new FilterProcessor(
        settings, config.errorMode().equals("ignore"), records, events, next);
  }

  private static final class FilterProcessor implements Processor {
    private final boolean ignoreErrors;
    private final List<Condition> records;
    private final List<Condition> events;
    private final TelemetryConsumer next;
    private final ProcessorTelemetry telemetry;
    private final Logger log;

    FilterProcessor(
        ComponentSettings settings,
        boolean ignoreErrors,
        List<Condition> records,
        List<Condition> events,
        TelemetryConsumer next) {
      this.ignoreErrors = ignoreErrors;
      this.records = records;
      this.events = events;
      this.next = next;
      this.telemetry = new ProcessorTelemetry(settings);
      this.log = settings.logger();
    }

    @Override
    public CompletableFuture<Void> consume(Telemetry batch) {
      telemetry.incoming(batch);
      Telemetry kept;
      try {
        kept =
            records.isEmpty() ? batch : Records.filter(batch, view -> !matchesAny(records, view));
        if (!events.isEmpty() && kept instanceof Traces traces) {
          kept = Traces.of(withoutEvents(traces.request()), traces.context());
        }
      } catch (Condition.EvaluationException e) {
        telemetry.refused(batch, "filter_error");
        ConsumeException failure =
            new PermanentException("filter condition failed: " + e.getMessage());
        return CompletableFuture.failedFuture(failure);
      }
      telemetry.dropped(batch, batch.itemCount() - kept.itemCount(), "filtered");
      if (kept.itemCount() == 0) {
        return CompletableFuture.completedFuture(null);
      }
      telemetry.outgoing(kept);
      return next.consume(kept);
    }

    private boolean matchesAny(List<Condition> conditions, RecordView view) {
      for (Condition condition : conditions) {
        try {
          if (condition.test(view)) {
            return true;
          }
        } catch (Condition.EvaluationException e) {
          if (!ignoreErrors) {
            throw e;
          }
          log.debug("condition ignored on a record: {}", e.getMessage());
        }
      }
      return false;
    }

    private ExportTraceServiceRequest withoutEvents(ExportTraceServiceRequest request) {
      ExportTraceServiceRequest.Builder out = request.toBuilder();
      for (ResourceSpans.Builder resource : out.getResourceSpansBuilderList()) {
        for (ScopeSpans.Builder scope : resource.getScopeSpansBuilderList()) {
          for (Span.Builder span : scope.getSpansBuilderList()) {
            List<Span.Event> keptEvents = new ArrayList<>();
            for (Span.Event event : span.getEventsList()) {
              RecordView view =
                  new RecordView(
                      Signal.TRACES,
                      resource.getResource(),
                      scope.getScope(),
                      event.getName(),
                      event.getAttributesList(),
                      span.getTraceId(),
                      event);
              if (!matchesAny(events, view)) {
                keptEvents.add(event);
              }
            }
            if (keptEvents.size() != span.getEventsCount()) {
              span.clearEvents().addAllEvents(keptEvents);
            }
          }
        }
      }
      return out.build();
    }
  }
}
