package dev.spyglass.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.spyglass.pipeline.Signal;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * The stored form of one record: a one-record {@code Export*ServiceRequest} holding the record with
 * its resource and scope (docs/adr/0005), or the record and its origin apart (docs/adr/0024).
 * Written and read here only, so every store keeps the same lossless bytes.
 */
public final class StoredRecords {
  /**
   * Left out of a stored record: its time (a log's {@code time_unix_nano}, a span's {@code
   * start_time_unix_nano}) equals its document's timestamp.
   */
  public static final int TIME_IS_TIMESTAMP = 1;

  /** Left out of a stored log record: its {@code observed_time_unix_nano} equals the timestamp. */
  public static final int OBSERVED_IS_TIMESTAMP = 2;

  private StoredRecords() {}

  /** The one-record request of a log record. */
  public static ExportLogsServiceRequest request(RecordOrigin origin, LogRecord log) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(origin.resource())
                .setSchemaUrl(origin.resourceSchemaUrl())
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .setScope(origin.scope())
                        .setSchemaUrl(origin.scopeSchemaUrl())
                        .addLogRecords(log)))
        .build();
  }

  /** The one-record request of a span. */
  public static ExportTraceServiceRequest request(RecordOrigin origin, Span span) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(origin.resource())
                .setSchemaUrl(origin.resourceSchemaUrl())
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .setScope(origin.scope())
                        .setSchemaUrl(origin.scopeSchemaUrl())
                        .addSpans(span)))
        .build();
  }

  /** The one-record request of a metric holding one data point. */
  public static ExportMetricsServiceRequest request(RecordOrigin origin, Metric metric) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(origin.resource())
                .setSchemaUrl(origin.resourceSchemaUrl())
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .setScope(origin.scope())
                        .setSchemaUrl(origin.scopeSchemaUrl())
                        .addMetrics(metric)))
        .build();
  }

  /**
   * The origin alone, as a request whose one resource and one scope hold no record: what a store
   * keeps once for all the records under them ({@link StoredSource}).
   */
  public static Message shell(Signal signal, RecordOrigin origin) {
    return switch (signal) {
      case LOGS ->
          ExportLogsServiceRequest.newBuilder()
              .addResourceLogs(
                  ResourceLogs.newBuilder()
                      .setResource(origin.resource())
                      .setSchemaUrl(origin.resourceSchemaUrl())
                      .addScopeLogs(
                          ScopeLogs.newBuilder()
                              .setScope(origin.scope())
                              .setSchemaUrl(origin.scopeSchemaUrl())))
              .build();
      case TRACES ->
          ExportTraceServiceRequest.newBuilder()
              .addResourceSpans(
                  ResourceSpans.newBuilder()
                      .setResource(origin.resource())
                      .setSchemaUrl(origin.resourceSchemaUrl())
                      .addScopeSpans(
                          ScopeSpans.newBuilder()
                              .setScope(origin.scope())
                              .setSchemaUrl(origin.scopeSchemaUrl())))
              .build();
      case METRICS ->
          ExportMetricsServiceRequest.newBuilder()
              .addResourceMetrics(
                  ResourceMetrics.newBuilder()
                      .setResource(origin.resource())
                      .setSchemaUrl(origin.resourceSchemaUrl())
                      .addScopeMetrics(
                          ScopeMetrics.newBuilder()
                              .setScope(origin.scope())
                              .setSchemaUrl(origin.scopeSchemaUrl())))
              .build();
    };
  }

  /**
   * Decodes an origin kept apart from its records ({@link #shell}).
   *
   * @throws IllegalStateException if the bytes are not such a request: the store is damaged
   */
  public static RecordOrigin decodeOrigin(Signal signal, byte[] shell) {
    try {
      return switch (signal) {
        case LOGS -> {
          ResourceLogs r = ExportLogsServiceRequest.parseFrom(shell).getResourceLogs(0);
          yield origin(r.getResource(), r.getSchemaUrl(), r.getScopeLogs(0));
        }
        case TRACES -> {
          ResourceSpans r = ExportTraceServiceRequest.parseFrom(shell).getResourceSpans(0);
          ScopeSpans s = r.getScopeSpans(0);
          yield new RecordOrigin(r.getResource(), r.getSchemaUrl(), s.getScope(), s.getSchemaUrl());
        }
        case METRICS -> {
          ResourceMetrics r = ExportMetricsServiceRequest.parseFrom(shell).getResourceMetrics(0);
          ScopeMetrics s = r.getScopeMetrics(0);
          yield new RecordOrigin(r.getResource(), r.getSchemaUrl(), s.getScope(), s.getSchemaUrl());
        }
      };
    } catch (InvalidProtocolBufferException | IndexOutOfBoundsException e) {
      throw new IllegalStateException(
          "a stored " + signal.configName() + " origin does not decode", e);
    }
  }

  /**
   * Decodes a record kept apart from its origin: a {@link LogRecord}, {@link Span} or one-point
   * {@link Metric}.
   *
   * @throws IllegalStateException if the bytes do not decode: the store is damaged
   */
  public static StoredRecord decode(
      Signal signal, RecordOrigin origin, byte[] record, Cursor cursor) {
    return decode(signal, origin, record, 0, cursor);
  }

  /**
   * As {@link #decode(Signal, RecordOrigin, byte[], Cursor)}, for a record stored without the times
   * {@code elided} says ({@link StoredSource#stripped}): they are the cursor's timestamp.
   */
  public static StoredRecord decode(
      Signal signal, RecordOrigin origin, byte[] record, int elided, Cursor cursor) {
    try {
      return switch (signal) {
        case LOGS ->
            new StoredLog(origin, restore(LogRecord.parseFrom(record), elided, cursor), cursor);
        case TRACES ->
            new StoredSpan(origin, restore(Span.parseFrom(record), elided, cursor), cursor);
        case METRICS -> new StoredPoint(origin, Metric.parseFrom(record), cursor);
      };
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "a stored " + signal.configName() + " record does not decode", e);
    }
  }

  private static LogRecord restore(LogRecord log, int elided, Cursor cursor) {
    if (elided == 0) {
      return log;
    }
    LogRecord.Builder whole = log.toBuilder();
    if ((elided & TIME_IS_TIMESTAMP) != 0) {
      whole.setTimeUnixNano(cursor.timestampNanos());
    }
    if ((elided & OBSERVED_IS_TIMESTAMP) != 0) {
      whole.setObservedTimeUnixNano(cursor.timestampNanos());
    }
    return whole.build();
  }

  private static Span restore(Span span, int elided, Cursor cursor) {
    return (elided & TIME_IS_TIMESTAMP) == 0
        ? span
        : span.toBuilder().setStartTimeUnixNano(cursor.timestampNanos()).build();
  }

  static Message request(StoredRecord record) {
    return switch (record) {
      case StoredLog log -> request(log.origin(), log.log());
      case StoredSpan span -> request(span.origin(), span.span());
      case StoredPoint point -> request(point.origin(), point.metric());
    };
  }

  /**
   * Decodes stored bytes of {@code signal}.
   *
   * @throws IllegalStateException if they are not a one-record request: the store is damaged
   */
  public static StoredRecord decode(Signal signal, byte[] source, Cursor cursor) {
    try {
      return switch (signal) {
        case LOGS -> {
          ResourceLogs r = ExportLogsServiceRequest.parseFrom(source).getResourceLogs(0);
          ScopeLogs s = r.getScopeLogs(0);
          yield new StoredLog(
              origin(r.getResource(), r.getSchemaUrl(), s), s.getLogRecords(0), cursor);
        }
        case TRACES -> {
          ResourceSpans r = ExportTraceServiceRequest.parseFrom(source).getResourceSpans(0);
          ScopeSpans s = r.getScopeSpans(0);
          yield new StoredSpan(
              new RecordOrigin(r.getResource(), r.getSchemaUrl(), s.getScope(), s.getSchemaUrl()),
              s.getSpans(0),
              cursor);
        }
        case METRICS -> {
          ResourceMetrics r = ExportMetricsServiceRequest.parseFrom(source).getResourceMetrics(0);
          ScopeMetrics s = r.getScopeMetrics(0);
          yield new StoredPoint(
              new RecordOrigin(r.getResource(), r.getSchemaUrl(), s.getScope(), s.getSchemaUrl()),
              s.getMetrics(0),
              cursor);
        }
      };
    } catch (InvalidProtocolBufferException | IndexOutOfBoundsException e) {
      throw new IllegalStateException(
          "a stored " + signal.configName() + " record does not decode", e);
    }
  }

  private static RecordOrigin origin(
      io.opentelemetry.proto.resource.v1.Resource resource, String schemaUrl, ScopeLogs scope) {
    return new RecordOrigin(resource, schemaUrl, scope.getScope(), scope.getSchemaUrl());
  }
}
