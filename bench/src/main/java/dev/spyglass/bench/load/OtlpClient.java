package dev.spyglass.bench.load;

import com.google.protobuf.Message;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.spyglass.pipeline.Signal;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Sends OTLP requests over HTTP (protobuf) or gRPC and says how each was answered. */
public abstract sealed class OtlpClient implements AutoCloseable {

  /** How a request was answered. */
  public enum Answer {
    ACCEPTED,
    /** 429/503 or UNAVAILABLE/RESOURCE_EXHAUSTED: the server asked to retry. */
    REFUSED,
    /** Anything else: a permanent refusal or a transport failure. */
    FAILED
  }

  final ClientFactory factory = ClientFactory.builder().idleTimeout(Duration.ofMinutes(1)).build();

  public static OtlpClient http(String host, int port) {
    return new Http(host, port);
  }

  public static OtlpClient grpc(String host, int port) {
    return new Grpc(host, port);
  }

  public abstract CompletableFuture<Answer> send(Payload payload);

  @Override
  public void close() {
    factory.close();
  }

  static final class Http extends OtlpClient {
    private static final MediaType PROTOBUF = MediaType.parse("application/x-protobuf");
    private final WebClient client;

    Http(String host, int port) {
      client =
          WebClient.builder("http://" + host + ":" + port)
              .factory(factory)
              .responseTimeout(Duration.ofSeconds(30))
              .maxResponseLength(1 << 20)
              .build();
    }

    @Override
    public CompletableFuture<Answer> send(Payload payload) {
      RequestHeaders headers =
          RequestHeaders.builder(HttpMethod.POST, "/v1/" + payload.signal().configName())
              .contentType(PROTOBUF)
              .build();
      return client
          .execute(HttpRequest.of(headers, HttpData.wrap(payload.bytes())))
          .aggregate()
          .handle(
              (response, failure) -> {
                if (failure != null) {
                  return Answer.FAILED;
                }
                int status = response.status().code();
                if (status == 200) {
                  return Answer.ACCEPTED;
                }
                return status == 429 || status == 503 ? Answer.REFUSED : Answer.FAILED;
              });
    }
  }

  static final class Grpc extends OtlpClient {
    private final TraceServiceGrpc.TraceServiceStub traces;
    private final MetricsServiceGrpc.MetricsServiceStub metrics;
    private final LogsServiceGrpc.LogsServiceStub logs;

    Grpc(String host, int port) {
      String uri = "http://" + host + ":" + port;
      traces =
          GrpcClients.builder(uri)
              .factory(factory)
              .responseTimeout(Duration.ofSeconds(30))
              .build(TraceServiceGrpc.TraceServiceStub.class);
      metrics =
          GrpcClients.builder(uri)
              .factory(factory)
              .responseTimeout(Duration.ofSeconds(30))
              .build(MetricsServiceGrpc.MetricsServiceStub.class);
      logs =
          GrpcClients.builder(uri)
              .factory(factory)
              .responseTimeout(Duration.ofSeconds(30))
              .build(LogsServiceGrpc.LogsServiceStub.class);
    }

    @Override
    public CompletableFuture<Answer> send(Payload payload) {
      CompletableFuture<Answer> answer = new CompletableFuture<>();
      Message message = payload.message();
      switch (payload.signal()) {
        case TRACES -> traces.export((ExportTraceServiceRequest) message, observer(answer));
        case METRICS -> metrics.export((ExportMetricsServiceRequest) message, observer(answer));
        case LOGS -> logs.export((ExportLogsServiceRequest) message, observer(answer));
      }
      return answer;
    }

    private static <T> StreamObserver<T> observer(CompletableFuture<Answer> answer) {
      return new StreamObserver<>() {
        @Override
        public void onNext(T value) {
          answer.complete(Answer.ACCEPTED);
        }

        @Override
        public void onError(Throwable failure) {
          Status.Code code = Status.fromThrowable(failure).getCode();
          answer.complete(
              code == Status.Code.UNAVAILABLE || code == Status.Code.RESOURCE_EXHAUSTED
                  ? Answer.REFUSED
                  : Answer.FAILED);
        }

        @Override
        public void onCompleted() {
          answer.complete(Answer.ACCEPTED);
        }
      };
    }
  }

  /** The protocol named on the command line. */
  public static OtlpClient of(String protocol, String host, int port) {
    return switch (protocol) {
      case "grpc" -> grpc(host, port);
      case "http" -> http(host, port);
      default -> throw new IllegalArgumentException("protocol must be grpc or http: " + protocol);
    };
  }

  /** The signal's unit, for reports. */
  public static String unit(Signal signal) {
    return switch (signal) {
      case LOGS -> "log records";
      case TRACES -> "spans";
      case METRICS -> "data points";
    };
  }
}
