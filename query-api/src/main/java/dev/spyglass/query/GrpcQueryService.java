package dev.spyglass.query;

import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.QueryParamsBuilder;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.proto.query.v1.GetTraceRequest;
import dev.spyglass.proto.query.v1.GetTraceResponse;
import dev.spyglass.proto.query.v1.QueryServiceGrpc;
import dev.spyglass.proto.query.v1.Record;
import dev.spyglass.proto.query.v1.SearchRequest;
import dev.spyglass.proto.query.v1.SearchResponse;
import dev.spyglass.storage.InvalidQueryException;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredPoint;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.StoredSpan;
import dev.spyglass.storage.TraceRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.util.List;

/**
 * Spyglass's query service over gRPC ({@code spyglass.query.v1.QueryService}, module {@code
 * proto}), on the API port next to HTTP and reading through the same code: {@code Search} and
 * {@code GetTrace} so far.
 */
final class GrpcQueryService extends QueryServiceGrpc.QueryServiceImplBase {
  private final Readers readers;
  private final Times times;

  GrpcQueryService(Readers readers, Times times) {
    this.readers = readers;
    this.times = times;
  }

  @Override
  public void search(SearchRequest request, StreamObserver<SearchResponse> response) {
    try {
      Signal signal =
          switch (request.getSignal()) {
            case SIGNAL_LOGS -> Signal.LOGS;
            case SIGNAL_SPANS -> Signal.TRACES;
            case SIGNAL_METRICS -> Signal.METRICS;
            default -> throw ApiException.badRequest("invalid_signal", "signal is required");
          };
      QueryParamsBuilder query = QueryParams.builder();
      if (!request.getStart().isEmpty()) {
        query.add("start", request.getStart());
      }
      if (!request.getEnd().isEmpty()) {
        query.add("end", request.getEnd());
      }
      Times.Range range = times.range(new Params(query.build()));
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
    } catch (ApiException e) {
      response.onError(status(e).withDescription(e.getMessage()).asRuntimeException());
    } catch (InvalidQueryException e) {
      response.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (IOException | RuntimeException e) {
      response.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
    }
  }

  /** A stored record as its signal's OTLP data message (the same fields as its export request). */
  private static Record record(StoredRecord record) throws IOException {
    byte[] bytes = record.toRequest().toByteArray();
    return switch (record) {
      case StoredLog log -> Record.newBuilder().setLog(LogsData.parseFrom(bytes)).build();
      case StoredSpan span -> Record.newBuilder().setSpan(TracesData.parseFrom(bytes)).build();
      case StoredPoint point -> Record.newBuilder().setMetric(MetricsData.parseFrom(bytes)).build();
    };
  }

  private static Status status(ApiException e) {
    return switch (e.status().code()) {
      case 400, 413 -> Status.INVALID_ARGUMENT;
      case 404 -> Status.NOT_FOUND;
      case 503 -> Status.UNAVAILABLE;
      default -> Status.INTERNAL;
    };
  }

  @Override
  public void getTrace(GetTraceRequest request, StreamObserver<GetTraceResponse> response) {
    String id = JaegerApi.normalise(request.getTraceId());
    if (!TraceRequest.isTraceId(id)) {
      response.onError(
          Status.INVALID_ARGUMENT
              .withDescription("a trace id is 32 hex digits, got '" + request.getTraceId() + "'")
              .asRuntimeException());
      return;
    }
    try {
      TraceFinder.Found found =
          new TraceFinder(readers.get(), readers.deadline())
              .byIds(List.of(id), Long.MIN_VALUE, Long.MAX_VALUE);
      if (found.traces().isEmpty()) {
        response.onError(
            (found.partial() ? Status.DEADLINE_EXCEEDED : Status.NOT_FOUND)
                .withDescription(
                    found.partial()
                        ? "the trace lookup ran past the query deadline"
                        : "no spans with trace id " + id)
                .asRuntimeException());
        return;
      }
      response.onNext(
          GetTraceResponse.newBuilder().setTrace(OtlpTraces.data(found.traces())).build());
      response.onCompleted();
    } catch (ApiException e) {
      response.onError(status(e).withDescription(e.getMessage()).asRuntimeException());
    } catch (IOException | RuntimeException e) {
      response.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
    }
  }
}
