package dev.spyglass.pipeline.testing;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Traces;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/** Small OTLP batches for tests. */
public final class TestData {
  private TestData() {}

  /** A batch of {@code count} log records with bodies "line 0", "line 1", … */
  public static Logs logs(int count) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 0; i < count; i++) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(1_700_000_000_000_000_000L + i)
              .setBody(AnyValue.newBuilder().setStringValue("line " + i)));
    }
    return Logs.of(
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope))
            .build(),
        RequestContext.EMPTY);
  }

  /** A batch of {@code count} spans named "span 0", "span 1", … */
  public static Traces traces(int count) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < count; i++) {
      scope.addSpans(Span.newBuilder().setName("span " + i));
    }
    return Traces.of(
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope))
            .build(),
        RequestContext.EMPTY);
  }
}
