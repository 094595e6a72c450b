package dev.spyglass.query.alerts;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.Answer;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.Dependency;
import dev.spyglass.storage.ExportPage;
import dev.spyglass.storage.ExportRequest;
import dev.spyglass.storage.FieldKind;
import dev.spyglass.storage.LogPattern;
import dev.spyglass.storage.MetricQuery;
import dev.spyglass.storage.MetricSeries;
import dev.spyglass.storage.Operation;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.TailListener;
import dev.spyglass.storage.TailRequest;
import dev.spyglass.storage.TailSubscription;
import dev.spyglass.storage.TelemetryReader;
import dev.spyglass.storage.TraceRecords;
import dev.spyglass.storage.TraceRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A fake of the store's reader for rule tests: aggregations and series are answered by functions
 * the test sets (what only an engine computes); every request is kept. Other reads are not asked by
 * alert rules and fail.
 */
final class CannedReader implements TelemetryReader {
  volatile Function<AggregationRequest, AggregationResult> aggregations =
      request -> new AggregationResult(0, 0, List.of(), false);
  volatile Function<MetricQuery, MetricSeries> series = query -> new MetricSeries(List.of(), false);
  final List<Object> requests = new CopyOnWriteArrayList<>();

  /** Answers every aggregation with one group per entry of {@code counts} (key → values). */
  void groups(Map<List<String>, double[]> values) {
    aggregations =
        request ->
            new AggregationResult(
                values.size(),
                0,
                values.entrySet().stream()
                    .map(e -> new AggregationResult.Group(e.getKey(), e.getValue(), List.of()))
                    .toList(),
                false);
  }

  @Override
  public AggregationResult aggregate(AggregationRequest request) {
    requests.add(request);
    return aggregations.apply(request);
  }

  @Override
  public MetricSeries metricSeries(MetricQuery query) {
    requests.add(query);
    return series.apply(query);
  }

  @Override
  public SearchResult search(SearchRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public TraceRecords trace(TraceRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Answer<List<String>> services(Signal signal, long start, long end, Deadline deadline) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Answer<List<Operation>> operations(
      String service, long start, long end, Deadline deadline) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Answer<List<Dependency>> dependencies(long start, long end, Deadline deadline) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<String, FieldKind> fields(Signal signal) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ExportPage export(ExportRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public TailSubscription tail(TailRequest request, TailListener listener) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<LogPattern> pattern(String id) {
    return Optional.empty();
  }
}
