package dev.spyglass.pipeline;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/** A batch of spans: an OTLP {@link ExportTraceServiceRequest} and its request context. */
public final class Traces implements Telemetry {
  private final ExportTraceServiceRequest request;
  private final RequestContext context;
  private final int spanCount;

  private Traces(ExportTraceServiceRequest request, RequestContext context) {
    this.request = requireNonNull(request, "request");
    this.context = requireNonNull(context, "context");
    this.spanCount = countSpans(request);
  }

  /** Wraps {@code request}, which arrived with {@code context}. */
  public static Traces of(ExportTraceServiceRequest request, RequestContext context) {
    return new Traces(request, context);
  }

  @Override
  public Signal signal() {
    return Signal.TRACES;
  }

  @Override
  public ExportTraceServiceRequest request() {
    return request;
  }

  @Override
  public RequestContext context() {
    return context;
  }

  /** The number of spans. */
  @Override
  public int itemCount() {
    return spanCount;
  }

  private static int countSpans(ExportTraceServiceRequest request) {
    int count = 0;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        count += scopeSpans.getSpansCount();
      }
    }
    return count;
  }

  @Override
  public String toString() {
    return "Traces[spans=" + spanCount + "]";
  }
}
