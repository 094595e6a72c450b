package dev.spyglass.query;

import dev.spyglass.proto.query.v1.GetTraceRequest;
import dev.spyglass.proto.query.v1.GetTraceResponse;
import dev.spyglass.proto.query.v1.QueryServiceGrpc;
import dev.spyglass.storage.TraceRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;

/**
 * Spyglass's query service over gRPC ({@code spyglass.query.v1.QueryService}, module {@code
 * proto}), on the API port next to HTTP and reading through the same code: {@code GetTrace} so far.
 */
final class GrpcQueryService extends QueryServiceGrpc.QueryServiceImplBase {
  private final Readers readers;

  GrpcQueryService(Readers readers) {
    this.readers = readers;
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
      response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
    } catch (IOException | RuntimeException e) {
      response.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
    }
  }
}
