package dev.spyglass.query;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.StoredSpan;
import dev.spyglass.storage.TelemetryReader;
import dev.spyglass.storage.TraceRecords;
import dev.spyglass.storage.TraceRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds traces, not spans: the newest spans matching a query name the traces, each then read whole
 * — what Jaeger's search endpoints (v2 and api_v3) answer. Spans sent twice (a client's retry: the
 * same span id and content) are returned once.
 */
final class TraceFinder {
  private static final long HOUR = 3_600_000_000_000L;
  static final int MAX_SCANNED_SPANS = 20_000;

  /** A trace's spans, each once. */
  record Trace(String traceId, List<StoredSpan> spans) {}

  /** The traces found, and whether a read ran past the deadline. */
  record Found(List<Trace> traces, boolean partial) {}

  private final TelemetryReader reader;
  private final Deadline deadline;

  TraceFinder(TelemetryReader reader, Deadline deadline) {
    this.reader = reader;
    this.deadline = deadline;
  }

  /** Up to {@code limit} traces with a span matching {@code q} in the range, newest first. */
  Found find(String q, long startNanos, long endNanos, int limit) throws IOException {
    Set<String> traceIds = new LinkedHashSet<>();
    SearchRequest request =
        SearchRequest.of(Signal.TRACES, q, startNanos, endNanos, 1000)
            .withCountTotal(false)
            .withDeadline(deadline);
    int scanned = 0;
    boolean partial = false;
    while (true) {
      SearchResult page = reader.search(request);
      for (StoredRecord hit : page.records()) {
        traceIds.add(((StoredSpan) hit).traceIdHex());
        if (traceIds.size() >= limit) {
          break;
        }
      }
      scanned += page.hits().size();
      partial |= page.partial();
      if (partial
          || page.next().isEmpty()
          || traceIds.size() >= limit
          || scanned >= MAX_SCANNED_SPANS) {
        break;
      }
      request = request.withAfter(page.next());
    }
    // A trace's other spans may start a little outside the range searched.
    Found found = byIds(traceIds, shift(startNanos, -24 * HOUR), shift(endNanos, 24 * HOUR));
    return new Found(found.traces(), partial || found.partial());
  }

  /** The traces with these ids that have spans in the range (ids without spans are left out). */
  Found byIds(Iterable<String> traceIds, long startNanos, long endNanos) throws IOException {
    List<Trace> traces = new ArrayList<>();
    boolean partial = false;
    for (String traceId : new LinkedHashSet<>(toList(traceIds))) {
      TraceRecords trace =
          reader.trace(
              new TraceRequest(
                  traceId, startNanos, endNanos, TraceApi.MAX_RECORDS, false, deadline));
      partial |= trace.partial();
      if (!trace.spans().isEmpty()) {
        traces.add(new Trace(traceId, distinct(trace.spans())));
      }
    }
    return new Found(traces, partial);
  }

  /** Each span once: a redelivered span (same span id, same content) is the same span. */
  static List<StoredSpan> distinct(List<StoredSpan> spans) {
    Map<Object, StoredSpan> seen = new LinkedHashMap<>();
    for (StoredSpan span : spans) {
      seen.putIfAbsent(List.of(span.spanIdHex(), span.span(), span.origin()), span);
    }
    return List.copyOf(seen.values());
  }

  private static List<String> toList(Iterable<String> ids) {
    List<String> list = new ArrayList<>();
    ids.forEach(list::add);
    return list;
  }

  /** {@code nanos + delta}, held at the ends of the long range instead of wrapping around. */
  private static long shift(long nanos, long delta) {
    long sum = nanos + delta;
    if (((nanos ^ sum) & (delta ^ sum)) < 0) {
      return delta > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return sum;
  }
}
