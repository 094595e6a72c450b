package dev.spyglass.query;

import dev.spyglass.storage.StoredSpan;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What Jaeger's search page shows of a trace (api_v3 {@code TraceSummary}): its root, first start
 * and last end, span, error and orphan counts, and each service's share — one computation for the
 * HTTP and gRPC bindings.
 *
 * @param rootService the service of the earliest span without a parent in the trace; empty if none
 * @param services span and error counts by service name, sorted by name
 */
record TraceSummary(
    String traceId,
    String rootService,
    String rootOperation,
    long firstStartNanos,
    long lastEndNanos,
    int spanCount,
    int errorCount,
    int orphanCount,
    Map<String, Counts> services) {

  record Counts(int spans, int errors) {}

  static TraceSummary of(TraceFinder.Trace trace) {
    List<StoredSpan> spans = trace.spans();
    Set<String> ids = new HashSet<>();
    spans.forEach(span -> ids.add(span.spanIdHex()));
    StoredSpan root = null;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int errors = 0;
    int orphans = 0;
    Map<String, int[]> services = new TreeMap<>();
    for (StoredSpan span : spans) {
      String parent = span.parentSpanIdHex();
      boolean top = parent.isEmpty() || !ids.contains(parent);
      if (top && !parent.isEmpty()) {
        orphans++;
      }
      long start = span.span().getStartTimeUnixNano();
      if (top && (root == null || start < root.span().getStartTimeUnixNano())) {
        root = span;
      }
      first = Math.min(first, start);
      last = Math.max(last, span.span().getEndTimeUnixNano());
      boolean error = span.span().getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
      errors += error ? 1 : 0;
      int[] counts = services.computeIfAbsent(span.origin().serviceName(), s -> new int[2]);
      counts[0]++;
      counts[1] += error ? 1 : 0;
    }
    Map<String, Counts> byService = new TreeMap<>();
    services.forEach((name, counts) -> byService.put(name, new Counts(counts[0], counts[1])));
    return new TraceSummary(
        trace.traceId(),
        root == null ? "" : root.origin().serviceName(),
        root == null ? "" : root.span().getName(),
        first,
        last,
        spans.size(),
        errors,
        orphans,
        byService);
  }
}
