package dev.spyglass.exporter.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClientBuilder;
import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.Tenants;
import io.grpc.Codec;
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
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** OTLP/gRPC: the {@code Export} call of the signal's service, through Armeria's gRPC client. */
final class GrpcSender implements Sender {
  private static final int MAX_RESPONSE_BYTES = 4 << 20;

  private final ClientFactory factory;
  private final TraceServiceGrpc.TraceServiceStub traces;
  private final MetricsServiceGrpc.MetricsServiceStub metrics;
  private final LogsServiceGrpc.LogsServiceStub logs;

  GrpcSender(OtlpExporterConfig config) {
    factory = Clients.factory(config.tls(), config.timeout());
    traces = builder(config).build(TraceServiceGrpc.TraceServiceStub.class);
    metrics = builder(config).build(MetricsServiceGrpc.MetricsServiceStub.class);
    logs = builder(config).build(LogsServiceGrpc.LogsServiceStub.class);
  }

  private GrpcClientBuilder builder(OtlpExporterConfig config) {
    GrpcClientBuilder builder =
        GrpcClients.builder(config.target())
            .factory(factory)
            .responseTimeout(config.timeout())
            .writeTimeout(config.timeout())
            .maxResponseLength(MAX_RESPONSE_BYTES);
    if (config.compression() == Compression.GZIP) {
      builder.compressor(new Codec.Gzip());
    }
    config.headers().forEach(builder::addHeader);
    return builder;
  }

  @Override
  public CompletableFuture<Outcome> send(Telemetry batch) {
    // The batch's tenant travels on: the receiving end stores it as this end did.
    try (com.linecorp.armeria.common.util.SafeCloseable tenant =
        batch
            .context()
            .tenant()
            .map(id -> com.linecorp.armeria.client.Clients.withHeader(Tenants.HEADER, id))
            .orElse(() -> {})) {
      return switch (batch.signal()) {
        case TRACES ->
            call(
                o -> traces.export((ExportTraceServiceRequest) batch.request(), o),
                (ExportTraceServiceResponse r) ->
                    new Outcome.Sent(
                        r.getPartialSuccess().getRejectedSpans(),
                        r.getPartialSuccess().getErrorMessage()));
        case METRICS ->
            call(
                o -> metrics.export((ExportMetricsServiceRequest) batch.request(), o),
                (ExportMetricsServiceResponse r) ->
                    new Outcome.Sent(
                        r.getPartialSuccess().getRejectedDataPoints(),
                        r.getPartialSuccess().getErrorMessage()));
        case LOGS ->
            call(
                o -> logs.export((ExportLogsServiceRequest) batch.request(), o),
                (ExportLogsServiceResponse r) ->
                    new Outcome.Sent(
                        r.getPartialSuccess().getRejectedLogRecords(),
                        r.getPartialSuccess().getErrorMessage()));
      };
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          new Outcome.Retry(HttpSender.describe(e), Duration.ZERO));
    }
  }

  private static <R> CompletableFuture<Outcome> call(
      java.util.function.Consumer<StreamObserver<R>> export, Function<R, Outcome> onResponse) {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    export.accept(
        new StreamObserver<>() {
          @Override
          public void onNext(R response) {
            outcome.complete(onResponse.apply(response));
          }

          @Override
          public void onError(Throwable failure) {
            outcome.complete(classify(failure));
          }

          @Override
          public void onCompleted() {
            outcome.complete(new Outcome.Sent(0, ""));
          }
        });
    return outcome;
  }

  /**
   * The OTLP/gRPC rules: {@code CANCELLED}, {@code DEADLINE_EXCEEDED}, {@code ABORTED}, {@code
   * OUT_OF_RANGE}, {@code UNAVAILABLE}, {@code DATA_LOSS} are retried, {@code RESOURCE_EXHAUSTED}
   * only with {@code RetryInfo}; every other status is permanent.
   */
  static Outcome classify(Throwable failure) {
    Status status = Status.fromThrowable(failure);
    Duration retryDelay = retryDelay(failure);
    String detail =
        status.getDescription() != null
            ? ": " + status.getDescription()
            : status.getCause() != null ? ": " + HttpSender.describe(status.getCause()) : "";
    String reason = "gRPC " + status.getCode() + detail;
    return switch (status.getCode()) {
      case CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS ->
          new Outcome.Retry(reason, retryDelay == null ? Duration.ZERO : retryDelay);
      case RESOURCE_EXHAUSTED ->
          retryDelay == null
              ? new Outcome.Refused(reason + " (no RetryInfo)")
              : new Outcome.Retry(reason, retryDelay);
      case UNKNOWN ->
          // Armeria reports connection failures as UNKNOWN/UNAVAILABLE with the cause attached.
          status.getCause() != null && isTransport(status.getCause())
              ? new Outcome.Retry(reason, Duration.ZERO)
              : new Outcome.Refused(reason);
      default -> new Outcome.Refused(reason);
    };
  }

  private static boolean isTransport(Throwable cause) {
    String name = cause.getClass().getName();
    return name.startsWith("com.linecorp.armeria.client.")
        || cause instanceof java.io.IOException
        || name.contains("Timeout");
  }

  /** The server's {@code RetryInfo.retry_delay}, or null when it sent none. */
  private static Duration retryDelay(Throwable failure) {
    com.google.rpc.Status details = StatusProto.fromThrowable(failure);
    if (details == null) {
      return null;
    }
    for (Any detail : details.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration delay = detail.unpack(RetryInfo.class).getRetryDelay();
          return Duration.ofSeconds(delay.getSeconds(), delay.getNanos());
        } catch (InvalidProtocolBufferException e) {
          return null;
        }
      }
    }
    return null;
  }

  @Override
  public void close() {
    factory.close();
  }
}
