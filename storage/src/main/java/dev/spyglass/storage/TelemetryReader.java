package dev.spyglass.storage;

import dev.spyglass.pipeline.Signal;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The read side of a store (docs/adr/0012): everything the query API, the Jaeger endpoints and
 * export ask, in engine-neutral types. Records come back decoded once, with their resource and
 * scope. Every read takes a {@link Deadline} and, past it, returns what it found flagged partial. A
 * query the store cannot run as written throws {@link InvalidQueryException}; an I/O failure throws
 * {@link IOException}.
 */
public interface TelemetryReader {

  /** Records matching the request, a page at a time, with highlights if asked for. */
  SearchResult search(SearchRequest request) throws IOException;

  /** Every span of a trace, and if asked the log records that carry its id. */
  TraceRecords trace(TraceRequest request) throws IOException;

  /**
   * The {@code service.name}s of records of {@code signal} in [start, end], sorted.
   *
   * @param startNanos inclusive, Unix epoch ns ({@link Long#MIN_VALUE} for all time)
   * @param endNanos inclusive
   */
  Answer<List<String>> services(Signal signal, long startNanos, long endNanos, Deadline deadline)
      throws IOException;

  /** The operations (span name and kind) of {@code service}'s spans in [start, end], sorted. */
  Answer<List<Operation>> operations(
      String service, long startNanos, long endNanos, Deadline deadline) throws IOException;

  /** Groups, measures and date histograms over matching records. */
  AggregationResult aggregate(AggregationRequest request) throws IOException;

  /** Time series of one metric. */
  MetricSeries metricSeries(MetricQuery query) throws IOException;

  /**
   * Which services call which: from spans in [start, end] whose parent span, of another service, is
   * in the range too. Sorted by parent, then child.
   */
  Answer<List<Dependency>> dependencies(long startNanos, long endNanos, Deadline deadline)
      throws IOException;

  /** The fields records of {@code signal} have, by name, and how each can be queried. */
  Map<String, FieldKind> fields(Signal signal) throws IOException;

  /** One page of an export, newest first, without counting. */
  ExportPage export(ExportRequest request) throws IOException;

  /**
   * Subscribes {@code listener} to records matching the request from now on, each handed over
   * within a second of its acknowledgement.
   *
   * @throws InvalidQueryException if the query does not parse
   */
  TailSubscription tail(TailRequest request, TailListener listener);

  /**
   * The log pattern {@code id} (as given at ingest, or a pattern's own) is part of now; empty for
   * an id the store never gave.
   */
  java.util.Optional<LogPattern> pattern(String id);
}
