package dev.spyglass.exporter.otlp;

import static dev.spyglass.exporter.otlp.ExporterFixtures.NO_QUEUE;
import static dev.spyglass.exporter.otlp.ExporterFixtures.fastRetry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.spyglass.pipeline.PermanentException;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.testing.TestData;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code otlp} (gRPC) against a real gRPC server on loopback that answers as a script says. */
class OtlpGrpcExporterTest {
  private static final Deque<com.google.rpc.Status> script = new ArrayDeque<>();
  private static final List<Long> arrivals = new CopyOnWriteArrayList<>();
  private static final List<ExportTraceServiceRequest> received = new CopyOnWriteArrayList<>();
  private static final List<String> authorizations = new CopyOnWriteArrayList<>();
  private static Server server;
  private Exporter exporter;

  @BeforeAll
  static void startServer() {
    TraceServiceGrpc.TraceServiceImplBase traces =
        new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(
              ExportTraceServiceRequest request,
              StreamObserver<ExportTraceServiceResponse> response) {
            arrivals.add(System.nanoTime());
            received.add(request);
            authorizations.add(
                ServiceRequestContext.current().request().headers().get("authorization"));
            com.google.rpc.Status status;
            synchronized (script) {
              status = script.poll();
            }
            if (status == null) {
              response.onNext(ExportTraceServiceResponse.getDefaultInstance());
              response.onCompleted();
            } else {
              response.onError(StatusProto.toStatusRuntimeException(status));
            }
          }
        };
    server =
        Server.builder()
            .gracefulShutdownTimeout(Duration.ZERO, Duration.ZERO)
            .http(0)
            .service(GrpcService.builder().addService(traces).build())
            .build();
    server.start().join();
  }

  @AfterAll
  static void stopServer() {
    server.stop().join();
  }

  @BeforeEach
  void clear() {
    script.clear();
    arrivals.clear();
    received.clear();
    authorizations.clear();
  }

  @AfterEach
  void stop() {
    if (exporter != null) {
      exporter.shutdown();
    }
  }

  private void start(RetrySettings retry) {
    OtlpExporterConfig config =
        new OtlpExporterConfig(
            "127.0.0.1:" + server.activeLocalPort(),
            new ClientTlsSettings(true, false, "", "", ""),
            Map.of("authorization", "Bearer s3cret"),
            Compression.GZIP,
            Duration.ofSeconds(5),
            retry,
            NO_QUEUE);
    config.validate();
    exporter = new OtlpExporterFactory().create(ExporterFixtures.settings("otlp"), config);
    exporter.start(ExporterFixtures.host(Map.of()));
  }

  private static com.google.rpc.Status status(Code code, Duration retryDelay) {
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage("scripted " + code);
    if (retryDelay != null) {
      status.addDetails(
          Any.pack(
              RetryInfo.newBuilder()
                  .setRetryDelay(
                      com.google.protobuf.Duration.newBuilder()
                          .setSeconds(retryDelay.getSeconds())
                          .setNanos(retryDelay.getNano()))
                  .build()));
    }
    return status.build();
  }

  private void answer(com.google.rpc.Status... statuses) {
    synchronized (script) {
      script.addAll(List.of(statuses));
    }
  }

  @Test
  void sendsTheBatchWithHeadersOverPlaintextWhenInsecure() throws Exception {
    start(fastRetry(Duration.ofSeconds(5)));
    var batch = TestData.traces(4);
    exporter.consume(batch).get(10, TimeUnit.SECONDS);
    assertThat(received).containsExactly(batch.request());
    assertThat(authorizations).containsExactly("Bearer s3cret");
  }

  @Test
  void unavailableIsRetriedAndItsRetryInfoIsWaitedOut() throws Exception {
    start(fastRetry(Duration.ofSeconds(30)));
    answer(
        status(Code.UNAVAILABLE, Duration.ofSeconds(1)),
        status(Code.DEADLINE_EXCEEDED, null),
        status(Code.ABORTED, null),
        status(Code.RESOURCE_EXHAUSTED, Duration.ofMillis(100)));
    exporter.consume(TestData.traces(1)).get(20, TimeUnit.SECONDS);
    assertThat(arrivals).hasSize(5);
    assertThat(arrivals.get(1) - arrivals.get(0)).isGreaterThanOrEqualTo(950_000_000L);
  }

  @Test
  void resourceExhaustedWithoutRetryInfoAndOtherCodesArePermanent() throws Exception {
    start(fastRetry(Duration.ofSeconds(30)));
    for (Code code :
        List.of(
            Code.RESOURCE_EXHAUSTED,
            Code.INVALID_ARGUMENT,
            Code.UNAUTHENTICATED,
            Code.PERMISSION_DENIED,
            Code.UNIMPLEMENTED,
            Code.INTERNAL)) {
      arrivals.clear();
      answer(status(code, null));
      assertThatThrownBy(() -> exporter.consume(TestData.traces(1)).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(PermanentException.class)
          .hasMessageContaining(code.name());
      assertThat(arrivals).as("attempts for %s", code).hasSize(1);
    }
  }
}
