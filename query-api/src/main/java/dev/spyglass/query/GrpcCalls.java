package dev.spyglass.query;

import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.QueryParamsBuilder;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.InvalidQueryException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** What the gRPC services share: request fields read as the HTTP API reads them, and statuses. */
final class GrpcCalls {
  private GrpcCalls() {}

  /** The signal a request names; INVALID_ARGUMENT (as an {@link ApiException}) if none. */
  static Signal signal(dev.spyglass.proto.query.v1.Signal signal) {
    return switch (signal) {
      case SIGNAL_LOGS -> Signal.LOGS;
      case SIGNAL_SPANS -> Signal.TRACES;
      case SIGNAL_METRICS -> Signal.METRICS;
      default -> throw ApiException.badRequest("invalid_signal", "signal is required");
    };
  }

  /** A request's start and end as the HTTP API's {@code start} and {@code end} parameters. */
  static Times.Range range(Times times, String start, String end) {
    QueryParamsBuilder query = QueryParams.builder();
    if (!start.isEmpty()) {
      query.add("start", start);
    }
    if (!end.isEmpty()) {
      query.add("end", end);
    }
    return times.range(new Params(query.build()));
  }

  /** The gRPC status of a failed call: the HTTP API's refusals keep their meaning. */
  static StatusRuntimeException status(Throwable failure) {
    Status status =
        switch (failure) {
          case StatusRuntimeException e -> e.getStatus();
          case ApiException e ->
              switch (e.status().code()) {
                case 400, 413 -> Status.INVALID_ARGUMENT;
                case 404 -> Status.NOT_FOUND;
                case 429 -> Status.RESOURCE_EXHAUSTED;
                case 503 -> Status.UNAVAILABLE;
                case 504 -> Status.DEADLINE_EXCEEDED;
                default -> Status.INTERNAL;
              };
          case InvalidQueryException e -> Status.INVALID_ARGUMENT;
          default -> Status.INTERNAL;
        };
    String message =
        failure instanceof StatusRuntimeException s
            ? s.getStatus().getDescription()
            : failure instanceof ApiException || failure instanceof InvalidQueryException
                ? failure.getMessage()
                : failure.toString();
    return status.withDescription(message).asRuntimeException();
  }
}
