package dev.spyglass.pipeline;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;

/** A batch of log records: an OTLP {@link ExportLogsServiceRequest} and its request context. */
public final class Logs implements Telemetry {
  private final ExportLogsServiceRequest request;
  private final RequestContext context;
  private final int logRecordCount;

  private Logs(ExportLogsServiceRequest request, RequestContext context) {
    this.request = requireNonNull(request, "request");
    this.context = requireNonNull(context, "context");
    this.logRecordCount = countLogRecords(request);
  }

  /** Wraps {@code request}, which arrived with {@code context}. */
  public static Logs of(ExportLogsServiceRequest request, RequestContext context) {
    return new Logs(request, context);
  }

  @Override
  public Signal signal() {
    return Signal.LOGS;
  }

  @Override
  public ExportLogsServiceRequest request() {
    return request;
  }

  @Override
  public RequestContext context() {
    return context;
  }

  /** The number of log records. */
  @Override
  public int itemCount() {
    return logRecordCount;
  }

  private static int countLogRecords(ExportLogsServiceRequest request) {
    int count = 0;
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        count += scopeLogs.getLogRecordsCount();
      }
    }
    return count;
  }

  @Override
  public String toString() {
    return "Logs[logRecords=" + logRecordCount + "]";
  }
}
