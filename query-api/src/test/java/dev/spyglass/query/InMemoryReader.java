package dev.spyglass.query;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.Answer;
import dev.spyglass.storage.Cursor;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.Dependency;
import dev.spyglass.storage.ExportPage;
import dev.spyglass.storage.ExportRequest;
import dev.spyglass.storage.FieldKind;
import dev.spyglass.storage.MetricQuery;
import dev.spyglass.storage.MetricSeries;
import dev.spyglass.storage.Operation;
import dev.spyglass.storage.SearchHit;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.StoredSpan;
import dev.spyglass.storage.TelemetryReader;
import dev.spyglass.storage.TraceRecords;
import dev.spyglass.storage.TraceRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small reader over records held in memory, for the handlers' tests: it keeps the records of the
 * right signal and time range in the store's order and pages them by cursor, ignoring the query
 * text; canned answers stand in for what only an engine computes (aggregations, series). Every
 * request is kept, so a test can check what a handler asked for.
 */
final class InMemoryReader implements TelemetryReader {
  final List<StoredRecord> records = new CopyOnWriteArrayList<>();
  final List<Object> requests = new CopyOnWriteArrayList<>();
  Map<String, String> highlights = Map.of();
  AggregationResult aggregation = new AggregationResult(0, 0, List.of(), false);
  MetricSeries series = new MetricSeries(List.of(), false);
  List<Dependency> dependencies = List.of();

  /** Answer every read as if it ran past its deadline. */
  volatile boolean pastDeadline;

  /** Thrown by every read, when set. */
  volatile RuntimeException failure;

  private List<StoredRecord> matching(
      Signal signal, long start, long end, Optional<Cursor> after, boolean oldestFirst) {
    Comparator<Cursor> order =
        Comparator.comparingLong(Cursor::timestampNanos)
            .thenComparingLong(Cursor::lsn)
            .thenComparingInt(Cursor::position);
    Comparator<Cursor> wanted = oldestFirst ? order : order.reversed();
    return records.stream()
        .filter(r -> r.signal() == signal)
        .filter(r -> r.timestampNanos() >= start && r.timestampNanos() <= end)
        .filter(r -> after.isEmpty() || wanted.compare(r.cursor(), after.get()) > 0)
        .sorted(Comparator.comparing(StoredRecord::cursor, wanted))
        .toList();
  }

  private void asked(Object request) {
    requests.add(request);
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public SearchResult search(SearchRequest request) {
    asked(request);
    if (pastDeadline) {
      return new SearchResult(0, List.of(), Optional.empty(), true);
    }
    List<StoredRecord> all =
        matching(
            request.signal(),
            request.startNanos(),
            request.endNanos(),
            request.after(),
            request.oldestFirst());
    List<SearchHit> hits = new ArrayList<>();
    for (StoredRecord record : all.subList(0, Math.min(request.limit(), all.size()))) {
      hits.add(new SearchHit(record, request.highlight() ? highlights : Map.of()));
    }
    Optional<Cursor> next =
        hits.size() == request.limit() && all.size() > hits.size()
            ? Optional.of(hits.getLast().record().cursor())
            : Optional.empty();
    return new SearchResult(request.countTotal() ? all.size() : -1, hits, next, false);
  }

  @Override
  public TraceRecords trace(TraceRequest request) {
    asked(request);
    List<StoredSpan> spans = new ArrayList<>();
    List<StoredLog> logs = new ArrayList<>();
    if (!pastDeadline) {
      for (StoredRecord record : records) {
        switch (record) {
          case StoredSpan span when span.traceIdHex().equals(request.traceIdHex()) ->
              spans.add(span);
          case StoredLog log
              when request.withLogs()
                  && java.util.HexFormat.of()
                      .formatHex(log.log().getTraceId().toByteArray())
                      .equals(request.traceIdHex()) ->
              logs.add(log);
          default -> {}
        }
      }
    }
    return new TraceRecords(spans, logs, pastDeadline);
  }

  @Override
  public Answer<List<String>> services(Signal signal, long start, long end, Deadline deadline) {
    asked(List.of("services", signal, deadline));
    List<String> services =
        records.stream()
            .filter(r -> r.signal() == signal)
            .map(r -> r.origin().serviceName())
            .distinct()
            .sorted()
            .toList();
    return new Answer<>(services, pastDeadline);
  }

  @Override
  public Answer<List<Operation>> operations(
      String service, long start, long end, Deadline deadline) {
    asked(List.of("operations", service));
    List<Operation> operations =
        records.stream()
            .filter(r -> r instanceof StoredSpan && r.origin().serviceName().equals(service))
            .map(
                r ->
                    new Operation(
                        ((StoredSpan) r).span().getName(),
                        dev.spyglass.storage.SpanKinds.name(((StoredSpan) r).span().getKind())))
            .distinct()
            .sorted(Comparator.comparing(Operation::name).thenComparing(Operation::spanKind))
            .toList();
    return new Answer<>(operations, pastDeadline);
  }

  @Override
  public AggregationResult aggregate(AggregationRequest request) {
    asked(request);
    return aggregation;
  }

  @Override
  public MetricSeries metricSeries(MetricQuery query) {
    asked(query);
    return series;
  }

  @Override
  public Answer<List<Dependency>> dependencies(long start, long end, Deadline deadline) {
    asked(List.of("dependencies", start, end));
    return new Answer<>(dependencies, pastDeadline);
  }

  @Override
  public Map<String, FieldKind> fields(Signal signal) {
    asked(List.of("fields", signal));
    return Map.of("body", FieldKind.TEXT, "service.name", FieldKind.KEYWORD);
  }

  @Override
  public ExportPage export(ExportRequest request) {
    asked(request);
    if (pastDeadline) {
      return new ExportPage(List.of(), request.after(), true);
    }
    List<StoredRecord> all =
        matching(
            request.signal(), request.startNanos(), request.endNanos(), request.after(), false);
    List<StoredRecord> page = all.subList(0, Math.min(request.pageSize(), all.size()));
    Optional<Cursor> next =
        all.size() > page.size() ? Optional.of(page.getLast().cursor()) : Optional.empty();
    return new ExportPage(page, next, false);
  }

  final List<dev.spyglass.storage.TailListener> tails =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public dev.spyglass.storage.TailSubscription tail(
      dev.spyglass.storage.TailRequest request, dev.spyglass.storage.TailListener listener) {
    asked(request);
    tails.add(listener);
    return () -> tails.remove(listener);
  }

  @Override
  public Optional<dev.spyglass.storage.LogPattern> pattern(String id) {
    asked(List.of("pattern", id));
    return Optional.empty();
  }
}
