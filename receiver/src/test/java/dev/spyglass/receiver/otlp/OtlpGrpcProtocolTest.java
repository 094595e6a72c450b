package dev.spyglass.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.spyglass.pipeline.PermanentException;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Signal;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc.LogsServiceBlockingStub;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OTLP/gRPC status semantics, with a real gRPC client over loopback. */
class OtlpGrpcProtocolTest {
  private static ReceiverHarness receiver;

  @BeforeAll
  static void start() {
    receiver =
        ReceiverHarness.start(
            new GrpcSettings(ReceiverHarness.free(), 1, null, null, null),
            null,
            EnumSet.of(Signal.LOGS));
  }

  @AfterAll
  static void stop() {
    receiver.close();
  }

  @BeforeEach
  void reset() {
    receiver.reset();
  }

  private static LogsServiceBlockingStub logs(String compression) {
    var builder = GrpcClients.builder("http://127.0.0.1:" + receiver.grpcPort());
    LogsServiceBlockingStub stub = builder.build(LogsServiceGrpc.LogsServiceBlockingStub.class);
    return compression == null ? stub : stub.withCompression(compression);
  }

  @Test
  void export_isAcknowledged_plainAndGzip() {
    assertThat(logs(null).export(OtlpHttpProtocolTest.logs(3)).hasPartialSuccess()).isFalse();
    assertThat(logs("gzip").export(OtlpHttpProtocolTest.logs(4)).hasPartialSuccess()).isFalse();
    assertThat(receiver.counter("otelcol_receiver_accepted_log_records")).isEqualTo(7);
  }

  @Test
  void retryableFailure_isUnavailable_withRetryInfo() throws InvalidProtocolBufferException {
    receiver.answerWith(
        b ->
            CompletableFuture.failedFuture(
                new RetryableException("disk almost full", Duration.ofSeconds(7))));

    StatusRuntimeException failure =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class, () -> logs(null).export(OtlpHttpProtocolTest.logs(1)));

    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(failure.getStatus().getDescription()).isEqualTo("disk almost full");
    com.google.rpc.Status details = StatusProto.fromThrowable(failure);
    assertThat(details).isNotNull();
    RetryInfo retryInfo = details.getDetails(0).unpack(RetryInfo.class);
    assertThat(retryInfo.getRetryDelay().getSeconds()).isEqualTo(7);
  }

  @Test
  void anExceptionWhileHandingTheRequestOn_isUnavailable_neverUnknown() {
    List<Throwable> thrown =
        List.of(new IllegalStateException("a bug"), new OutOfMemoryError("Java heap space"));
    for (Throwable throwable : thrown) {
      receiver.answerWith(
          b -> {
            if (throwable instanceof Error error) {
              throw error;
            }
            throw (RuntimeException) throwable;
          });
      assertThatThrownBy(() -> logs(null).export(OtlpHttpProtocolTest.logs(1)))
          .as("thrown: %s", throwable)
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription()).contains(throwable.getMessage());
              });
    }
  }

  @Test
  void permanentFailure_isInvalidArgument() {
    receiver.answerWith(b -> CompletableFuture.failedFuture(new PermanentException("bad data")));

    assertThatThrownBy(() -> logs(null).export(OtlpHttpProtocolTest.logs(1)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void messageOverTheLimit_isInvalidArgument_neverResourceExhausted_evenWhenGzipped() {
    ExportLogsServiceRequest huge = OtlpHttpProtocolTest.logs(100_000);
    assertThat(huge.getSerializedSize()).isGreaterThan(1024 * 1024);

    for (String compression : new String[] {null, "gzip"}) {
      assertThatThrownBy(() -> logs(compression).export(huge))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).contains("max_recv_msg_size_mib");
              });
    }
    assertThat(receiver.received).isEmpty();
    assertThat(logs(null).export(OtlpHttpProtocolTest.logs(1))).isNotNull();
  }

  @Test
  void signalWithoutPipeline_isUnimplemented() {
    var traces =
        GrpcClients.builder("http://127.0.0.1:" + receiver.grpcPort())
            .build(TraceServiceGrpc.TraceServiceBlockingStub.class);

    assertThatThrownBy(() -> traces.export(ExportTraceServiceRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  @Test
  void bearerToken_isRequired_whenConfigured() {
    try (ReceiverHarness secured =
        ReceiverHarness.start(
            new GrpcSettings(
                ReceiverHarness.free(), null, null, null, new AuthSettings(List.of("t0ken"), null)),
            null)) {
      LogsServiceBlockingStub stub =
          GrpcClients.builder("http://127.0.0.1:" + secured.grpcPort())
              .build(LogsServiceGrpc.LogsServiceBlockingStub.class);

      assertThatThrownBy(() -> stub.export(OtlpHttpProtocolTest.logs(1)))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer t0ken");
      stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .export(OtlpHttpProtocolTest.logs(1));
      assertThat(secured.received).hasSize(1);
      assertThat(secured.received.getFirst().context().principal()).hasValue("token-1");
    }
  }
}
