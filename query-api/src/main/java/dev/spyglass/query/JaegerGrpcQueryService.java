package dev.spyglass.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.QueryParamsBuilder;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.proto.jaeger.api_v3.DependenciesResponse;
import dev.spyglass.proto.jaeger.api_v3.Dependency;
import dev.spyglass.proto.jaeger.api_v3.FindTraceSummariesRequest;
import dev.spyglass.proto.jaeger.api_v3.FindTraceSummariesResponse;
import dev.spyglass.proto.jaeger.api_v3.FindTracesRequest;
import dev.spyglass.proto.jaeger.api_v3.GetDependenciesRequest;
import dev.spyglass.proto.jaeger.api_v3.GetOperationsRequest;
import dev.spyglass.proto.jaeger.api_v3.GetOperationsResponse;
import dev.spyglass.proto.jaeger.api_v3.GetServicesRequest;
import dev.spyglass.proto.jaeger.api_v3.GetServicesResponse;
import dev.spyglass.proto.jaeger.api_v3.GetTraceRequest;
import dev.spyglass.proto.jaeger.api_v3.Operation;
import dev.spyglass.proto.jaeger.api_v3.QueryServiceGrpc;
import dev.spyglass.proto.jaeger.api_v3.ServiceSummary;
import dev.spyglass.proto.jaeger.api_v3.TraceQueryParameters;
import dev.spyglass.proto.jaeger.api_v3.TraceSummary;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Jaeger's api_v3 {@code QueryService} over gRPC, on the API port, for Jaeger's own clients: each
 * call is the HTTP binding's ({@link JaegerV3Api}) with the request's fields as its parameters.
 * FindTraces streams one {@code TracesData} per trace; GetTrace one for the trace.
 */
final class JaegerGrpcQueryService extends QueryServiceGrpc.QueryServiceImplBase {
  /** TraceQueryParameters.filter: Jaeger's experimental structured filter, not served. */
  private static final int FILTER_FIELD = 10;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Readers readers;
  private final JaegerV3Api http;

  JaegerGrpcQueryService(Readers readers, Times times) {
    this.readers = readers;
    this.http = new JaegerV3Api(readers, times);
  }

  @Override
  public void getTrace(GetTraceRequest request, StreamObserver<TracesData> response) {
    try {
      TraceFinder.Found found =
          http.trace(
              request.getTraceId(),
              request.hasStartTime() ? nanos(request.getStartTime()) : Long.MIN_VALUE,
              request.hasEndTime() ? nanos(request.getEndTime()) : Long.MAX_VALUE);
      response.onNext(OtlpTraces.data(found.traces()));
      response.onCompleted();
    } catch (IOException | RuntimeException e) {
      response.onError(GrpcCalls.status(e));
    }
  }

  @Override
  public void findTraces(FindTracesRequest request, StreamObserver<TracesData> response) {
    try {
      TraceFinder.Found found = http.find(params(request.getQuery(), request.hasQuery()));
      for (TraceFinder.Trace trace : found.traces()) {
        response.onNext(OtlpTraces.data(List.of(trace)));
      }
      response.onCompleted();
    } catch (IOException | RuntimeException e) {
      response.onError(GrpcCalls.status(e));
    }
  }

  @Override
  public void findTraceSummaries(
      FindTraceSummariesRequest request, StreamObserver<FindTraceSummariesResponse> response) {
    try {
      TraceFinder.Found found = http.find(params(request.getQuery(), request.hasQuery()));
      FindTraceSummariesResponse.Builder chunk = FindTraceSummariesResponse.newBuilder();
      for (TraceFinder.Trace trace : found.traces()) {
        chunk.addSummaries(summary(dev.spyglass.query.TraceSummary.of(trace)));
      }
      response.onNext(chunk.build());
      response.onCompleted();
    } catch (IOException | RuntimeException e) {
      response.onError(GrpcCalls.status(e));
    }
  }

  @Override
  public void getServices(
      GetServicesRequest request, StreamObserver<GetServicesResponse> response) {
    try {
      List<String> services =
          readers
              .get()
              .services(Signal.TRACES, Long.MIN_VALUE, Long.MAX_VALUE, readers.deadline())
              .value();
      response.onNext(GetServicesResponse.newBuilder().addAllServices(services).build());
      response.onCompleted();
    } catch (IOException | RuntimeException e) {
      response.onError(GrpcCalls.status(e));
    }
  }

  @Override
  public void getOperations(
      GetOperationsRequest request, StreamObserver<GetOperationsResponse> response) {
    try {
      if (request.getService().isBlank()) {
        throw ApiException.badRequest("missing_service", "service name is required");
      }
      GetOperationsResponse.Builder answer = GetOperationsResponse.newBuilder();
      for (dev.spyglass.storage.Operation operation :
          http.operations(request.getService(), request.getSpanKind())) {
        answer.addOperations(
            Operation.newBuilder().setName(operation.name()).setSpanKind(operation.spanKind()));
      }
      response.onNext(answer.build());
      response.onCompleted();
    } catch (IOException | RuntimeException e) {
      response.onError(GrpcCalls.status(e));
    }
  }

  @Override
  public void getDependencies(
      GetDependenciesRequest request, StreamObserver<DependenciesResponse> response) {
    try {
      if (!request.hasStartTime() || !request.hasEndTime()) {
        throw ApiException.badRequest("missing_time", "start_time and end_time are required");
      }
      DependenciesResponse.Builder answer = DependenciesResponse.newBuilder();
      for (dev.spyglass.storage.Dependency dependency :
          readers
              .get()
              .dependencies(
                  nanos(request.getStartTime()), nanos(request.getEndTime()), readers.deadline())
              .value()) {
        answer.addDependencies(
            Dependency.newBuilder()
                .setParent(dependency.parent())
                .setChild(dependency.child())
                .setCallCount(dependency.callCount()));
      }
      response.onNext(answer.build());
      response.onCompleted();
    } catch (IOException | RuntimeException e) {
      response.onError(GrpcCalls.status(e));
    }
  }

  /** The query's fields as the HTTP binding's {@code query.*} parameters. */
  private static Params params(TraceQueryParameters query, boolean present) throws IOException {
    if (!present) {
      throw Status.INVALID_ARGUMENT.withDescription("missing query").asRuntimeException();
    }
    if (query.getUnknownFields().hasField(FILTER_FIELD)) {
      throw ApiException.badRequest(
          "unsupported_filter", "query.filter (structured filters) is not supported");
    }
    QueryParamsBuilder params = QueryParams.builder();
    add(params, "service_name", query.getServiceName());
    add(params, "operation_name", query.getOperationName());
    if (query.getAttributesCount() > 0) {
      add(params, "attributes", JSON.writeValueAsString(query.getAttributesMap()));
    }
    if (query.hasStartTimeMin()) {
      add(params, "start_time_min", rfc3339(query.getStartTimeMin()));
    }
    if (query.hasStartTimeMax()) {
      add(params, "start_time_max", rfc3339(query.getStartTimeMax()));
    }
    if (query.hasDurationMin()) {
      add(params, "duration_min", goDuration(query.getDurationMin()));
    }
    if (query.hasDurationMax()) {
      add(params, "duration_max", goDuration(query.getDurationMax()));
    }
    if (query.getSearchDepth() != 0) {
      add(params, "search_depth", Integer.toString(query.getSearchDepth()));
    }
    return new Params(params.build());
  }

  private static void add(QueryParamsBuilder params, String name, String value) {
    if (!value.isEmpty()) {
      params.add("query." + name, value);
    }
  }

  private static long nanos(Timestamp time) {
    return Math.addExact(Math.multiplyExact(time.getSeconds(), 1_000_000_000L), time.getNanos());
  }

  private static String rfc3339(Timestamp time) {
    return Instant.ofEpochSecond(time.getSeconds(), time.getNanos()).toString();
  }

  private static String goDuration(Duration duration) {
    return Math.addExact(
            Math.multiplyExact(duration.getSeconds(), 1_000_000_000L), duration.getNanos())
        + "ns";
  }

  private static TraceSummary summary(dev.spyglass.query.TraceSummary summary) {
    TraceSummary.Builder out =
        TraceSummary.newBuilder()
            .setTraceId(summary.traceId())
            .setRootServiceName(summary.rootService())
            .setRootOperationName(summary.rootOperation())
            .setMinStartTimeUnixNano(summary.firstStartNanos())
            .setMaxEndTimeUnixNano(summary.lastEndNanos())
            .setSpanCount(summary.spanCount())
            .setErrorSpanCount(summary.errorCount())
            .setOrphanSpanCount(summary.orphanCount());
    for (Map.Entry<String, dev.spyglass.query.TraceSummary.Counts> service :
        summary.services().entrySet()) {
      out.addServices(
          ServiceSummary.newBuilder()
              .setName(service.getKey())
              .setSpanCount(service.getValue().spans())
              .setErrorSpanCount(service.getValue().errors()));
    }
    return out.build();
  }
}
