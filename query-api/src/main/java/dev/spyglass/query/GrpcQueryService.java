package dev.spyglass.query;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.proto.query.v1.AggregateRequest;
import dev.spyglass.proto.query.v1.AggregateResponse;
import dev.spyglass.proto.query.v1.ExportRequest;
import dev.spyglass.proto.query.v1.ExportResponse;
import dev.spyglass.proto.query.v1.GetTraceRequest;
import dev.spyglass.proto.query.v1.GetTraceResponse;
import dev.spyglass.proto.query.v1.QueryServiceGrpc;
import dev.spyglass.proto.query.v1.Record;
import dev.spyglass.proto.query.v1.SearchRequest;
import dev.spyglass.proto.query.v1.SearchResponse;
import dev.spyglass.proto.query.v1.TailRequest;
import dev.spyglass.proto.query.v1.TailResponse;
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredPoint;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.StoredSpan;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.util.List;

/**
 * Spyglass's query service over gRPC ({@code spyglass.query.v1.QueryService}, module {@code
 * proto}), on the API port next to HTTP and reading through the same code: Search, GetTrace,
 * Aggregate, and the streams Export and Tail.
 */
final class GrpcQueryService extends QueryServiceGrpc.QueryServiceImplBase {
  private final Readers readers;
  private final Times times;
  private final AggregateApi aggregations;
  private final GrpcStreams.Telemetry telemetry;

  GrpcQueryService(Readers readers, Times times, Meter meter) {
    this.readers = readers;
    this.times = times;
    this.aggregations = new AggregateApi(readers, times);
    this.telemetry = new GrpcStreams.Telemetry(meter);
  }

  @Override
  public void search(SearchRequest request, StreamObserver<SearchResponse> response) {
    try {
      Signal signal = GrpcCalls.signal(request.getSignal());
      Times.Range range = GrpcCalls.range(times, request.getStart(), request.getEnd());
      int limit = request.getLimit() == 0 ? SearchApi.DEFAULT_LIMIT : request.getLimit();
      if (limit < 1 || limit > SearchApi.MAX_LIMIT) {
        throw ApiException.badRequest(
            "invalid_limit", "limit must be 1 to " + SearchApi.MAX_LIMIT + ", got " + limit);
      }
      SearchResult result =
          readers
              .get()
              .search(
                  dev.spyglass.storage.SearchRequest.of(
                          signal,
                          QueryGuard.check(request.getQuery()),
                          range.start(),
                          range.end(),
                          limit)
                      .withAfter(SearchApi.cursor(request.getCursor()))
                      .withOldestFirst(request.getOldestFirst())
                      .withDeadline(readers.deadline()));
      SearchResponse.Builder answer =
          SearchResponse.newBuilder().setTotal(result.total()).setPartial(result.partial());
      for (StoredRecord record : result.records()) {
        answer.addRecords(record(record));
      }
      result.next().ifPresent(next -> answer.setNextCursor(next.encode()));
      response.onNext(answer.build());
      response.onCompleted();
    } catch (IOException | RuntimeException e) {
      response.onError(GrpcCalls.status(e));
    }
  }

  /** A stored record as its signal's OTLP data message (the same fields as its export request). */
  private static Record record(StoredRecord record) throws IOException {
    var bytes = ExportedRecords.request(record).toByteString();
    return switch (record) {
      case StoredLog log -> Record.newBuilder().setLog(LogsData.parseFrom(bytes)).build();
      case StoredSpan span -> Record.newBuilder().setSpan(TracesData.parseFrom(bytes)).build();
      case StoredPoint point -> Record.newBuilder().setMetric(MetricsData.parseFrom(bytes)).build();
    };
  }

  @Override
  public void getTrace(GetTraceRequest request, StreamObserver<GetTraceResponse> response) {
    try {
      TraceFinder.Found found =
          new JaegerV3Api(readers, times)
              .trace(request.getTraceId(), Long.MIN_VALUE, Long.MAX_VALUE);
      response.onNext(
          GetTraceResponse.newBuilder().setTrace(OtlpTraces.data(found.traces())).build());
      response.onCompleted();
    } catch (IOException | RuntimeException e) {
      response.onError(GrpcCalls.status(e));
    }
  }

  @Override
  public void aggregate(AggregateRequest request, StreamObserver<AggregateResponse> response) {
    try {
      Signal signal = GrpcCalls.signal(request.getSignal());
      int size = request.getSize() == 0 ? 10 : request.getSize();
      if (size < 1 || size > 1000) {
        throw ApiException.badRequest("invalid_size", "size must be 1 to 1000, got " + size);
      }
      List<String> groupBy = AggregateApi.list(String.join(",", request.getGroupByList()));
      List<String> metrics =
          request.getMetricsCount() == 0
              ? List.of("count")
              : AggregateApi.list(String.join(",", request.getMetricsList()));
      AggregationRequest asked =
          aggregations.request(
              signal,
              QueryGuard.check(request.getQuery()),
              GrpcCalls.range(times, request.getStart(), request.getEnd()),
              groupBy,
              metrics,
              request.getInterval(),
              size);
      AggregationResult result = readers.get().aggregate(asked);
      AggregateResponse.Builder answer =
          AggregateResponse.newBuilder()
              .setTotal(result.total())
              .setOtherCount(result.otherCount())
              .setPartial(result.partial());
      if (asked.intervalNanos() > 0) {
        answer.setInterval(AggregateApi.describe(asked.intervalNanos()));
      }
      for (AggregationResult.Group group : result.groups()) {
        AggregateResponse.Group.Builder out =
            AggregateResponse.Group.newBuilder().addAllKey(group.key());
        put(metrics, group.values(), out::putValues);
        for (AggregationResult.TimeBucket bucket : group.histogram()) {
          AggregateResponse.Bucket.Builder b =
              AggregateResponse.Bucket.newBuilder().setStartTimeUnixNano(bucket.startNanos());
          put(metrics, bucket.values(), b::putValues);
          out.addHistogram(b);
        }
        answer.addGroups(out);
      }
      response.onNext(answer.build());
      response.onCompleted();
    } catch (IOException | RuntimeException e) {
      response.onError(GrpcCalls.status(e));
    }
  }

  private static void put(
      List<String> names, double[] values, java.util.function.BiConsumer<String, Double> into) {
    for (int i = 0; i < names.size(); i++) {
      if (!Double.isNaN(values[i])) {
        into.accept(names.get(i), values[i]);
      }
    }
  }

  @Override
  public void export(ExportRequest request, StreamObserver<ExportResponse> response) {
    try {
      Signal signal = GrpcCalls.signal(request.getSignal());
      Times.Range range = GrpcCalls.range(times, request.getStart(), request.getEnd());
      GrpcStreams.export(
          readers,
          signal,
          QueryGuard.check(request.getQuery()),
          range,
          (ServerCallStreamObserver<ExportResponse>) response,
          telemetry);
    } catch (IOException | RuntimeException e) {
      response.onError(GrpcCalls.status(e));
    }
  }

  @Override
  public void tail(TailRequest request, StreamObserver<TailResponse> response) {
    try {
      Signal signal = GrpcCalls.signal(request.getSignal());
      GrpcStreams.tail(
          readers.get(),
          signal,
          QueryGuard.check(request.getQuery()),
          (ServerCallStreamObserver<TailResponse>) response,
          telemetry);
    } catch (RuntimeException e) {
      response.onError(GrpcCalls.status(e));
    }
  }
}
