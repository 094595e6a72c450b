package dev.spyglass.receiver.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.RetryInfo;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.spyglass.pipeline.ConsumeException;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.Tenants;
import dev.spyglass.receiver.otlp.ReceiverTelemetry.Transport;
import io.grpc.BindableService;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The OTLP/gRPC {@code TraceService}, {@code MetricsService} and {@code LogsService}. Each call is
 * answered when the pipeline has taken the batch: {@code OK}, {@code INVALID_ARGUMENT} for data
 * that must not be retried, {@code UNAVAILABLE} with {@code RetryInfo} when the client should
 * retry, {@code UNAUTHENTICATED} without a valid bearer token.
 */
final class OtlpGrpcServices {
  private final Exports exports;
  private final GrpcSettings settings;
  private final Optional<BearerTokens> auth;

  OtlpGrpcServices(Exports exports, GrpcSettings settings, Optional<BearerTokens> auth) {
    this.exports = exports;
    this.settings = settings;
    this.auth = auth;
  }

  BindableService traces(TelemetryConsumer consumer) {
    return new TraceServiceGrpc.TraceServiceImplBase() {
      @Override
      public void export(
          ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> observer) {
        handle(OtlpSignal.TRACES, consumer, request, observer, ExportTraceServiceResponse.class);
      }
    };
  }

  BindableService metrics(TelemetryConsumer consumer) {
    return new MetricsServiceGrpc.MetricsServiceImplBase() {
      @Override
      public void export(
          ExportMetricsServiceRequest request,
          StreamObserver<ExportMetricsServiceResponse> observer) {
        handle(OtlpSignal.METRICS, consumer, request, observer, ExportMetricsServiceResponse.class);
      }
    };
  }

  BindableService logs(TelemetryConsumer consumer) {
    return new LogsServiceGrpc.LogsServiceImplBase() {
      @Override
      public void export(
          ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> observer) {
        handle(OtlpSignal.LOGS, consumer, request, observer, ExportLogsServiceResponse.class);
      }
    };
  }

  private <R extends Message, S extends Message> void handle(
      OtlpSignal<R> signal,
      TelemetryConsumer consumer,
      R request,
      StreamObserver<S> observer,
      Class<S> responseType) {
    ServiceRequestContext ctx = ServiceRequestContext.current();
    Optional<String> principal = Optional.empty();
    if (auth.isPresent()) {
      principal =
          auth.get().authenticate(ctx.request().headers().get(HttpHeaderNames.AUTHORIZATION));
      if (principal.isEmpty()) {
        exports.refusedAuthentication(
            Transport.GRPC,
            ctx.remoteAddress(),
            ctx.request().headers().contains(HttpHeaderNames.AUTHORIZATION));
        observer.onError(
            Status.UNAUTHENTICATED
                .withDescription("missing or invalid bearer token")
                .asRuntimeException());
        return;
      }
    }
    Map<String, List<String>> headers =
        settings.includeMetadata() ? Metadata.of(ctx.request().headers()) : Map.of();
    Optional<String> tenant;
    try {
      tenant = Optional.ofNullable(ctx.request().headers().get(Tenants.HEADER)).map(Tenants::check);
    } catch (IllegalArgumentException e) {
      observer.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    Optional<RetryableException> wait = exports.throttled(tenant);
    if (wait.isPresent()) {
      observer.onError(status(wait.get()));
      return;
    }
    RequestContext context =
        new RequestContext(Optional.of(ctx.remoteAddress()), headers, principal, tenant);
    CompletableFuture<Message> exported;
    try {
      exported = exports.export(signal, consumer, request, context, Transport.GRPC);
    } catch (RuntimeException | Error e) {
      // A bug or a lack of memory on our side: the client should retry (as over HTTP), not give up
      // on an UNKNOWN the gRPC runtime would answer for an exception escaping this method.
      exported = CompletableFuture.failedFuture(e);
    }
    exported.whenComplete(
        (response, failure) -> {
          if (failure == null) {
            observer.onNext(responseType.cast(response));
            observer.onCompleted();
          } else {
            observer.onError(status(ConsumeException.classify(failure)));
          }
        });
  }

  private static RuntimeException status(ConsumeException failure) {
    if (failure instanceof RetryableException retryable) {
      com.google.rpc.Status.Builder status =
          com.google.rpc.Status.newBuilder()
              .setCode(
                  retryable.throttled()
                      ? Status.Code.RESOURCE_EXHAUSTED.value()
                      : Status.Code.UNAVAILABLE.value())
              .setMessage(retryable.getMessage());
      if (!retryable.retryAfter().isZero()) {
        status.addDetails(
            Any.pack(
                RetryInfo.newBuilder()
                    .setRetryDelay(
                        com.google.protobuf.Duration.newBuilder()
                            .setSeconds(retryable.retryAfter().toSeconds())
                            .setNanos(retryable.retryAfter().toNanosPart()))
                    .build()));
      }
      io.grpc.StatusRuntimeException answer = StatusProto.toStatusRuntimeException(status.build());
      return retryable.throttled() ? new Throttled(answer) : answer;
    }
    return Status.INVALID_ARGUMENT.withDescription(failure.getMessage()).asRuntimeException();
  }

  /**
   * A tenant over its limits: {@code RESOURCE_EXHAUSTED} that the receiver's exception handler must
   * pass on as it is (it turns grpc-java's own, for an oversized message, into {@code
   * INVALID_ARGUMENT}).
   */
  static final class Throttled extends io.grpc.StatusRuntimeException {
    private static final long serialVersionUID = 1L;

    Throttled(io.grpc.StatusRuntimeException status) {
      super(status.getStatus(), status.getTrailers());
    }
  }
}
