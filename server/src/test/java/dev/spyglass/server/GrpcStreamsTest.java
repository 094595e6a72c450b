package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.spyglass.proto.query.v1.ExportRequest;
import dev.spyglass.proto.query.v1.ExportResponse;
import dev.spyglass.proto.query.v1.QueryServiceGrpc;
import dev.spyglass.proto.query.v1.Signal;
import dev.spyglass.proto.query.v1.TailRequest;
import dev.spyglass.proto.query.v1.TailResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming calls of {@code spyglass.query.v1.QueryService} from a generated client over a real
 * socket: Export of 100k records held to the client's pace, and Tail pushing a record sent after it
 * subscribed.
 */
class GrpcStreamsTest {
  private static final int RECORDS = 100_000;
  @TempDir static Path dir;
  private static final InMemoryMetricReader METRICS = InMemoryMetricReader.create();
  private static SdkMeterProvider meters;
  private static InProcessSpyglass spyglass;
  private static QueryServiceGrpc.QueryServiceStub client;

  @BeforeAll
  static void ingest() throws Exception {
    meters = SdkMeterProvider.builder().registerMetricReader(METRICS).build();
    spyglass = new InProcessSpyglass(dir, InProcessSpyglass.EVERY_SIGNAL_TO_THE_STORE, meters);
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int request = 0; request < RECORDS / 1000; request++) {
      ScopeLogs.Builder scope = ScopeLogs.newBuilder();
      for (int i = 0; i < 1000; i++) {
        int n = request * 1000 + i;
        scope.addLogRecords(log(now - 60_000_000_000L + n * 100_000L, "bulk record " + n, false));
      }
      assertThat(spyglass.send("logs", "application/x-protobuf", request(scope).toByteArray()))
          .isEqualTo(200);
    }
    spyglass.awaitTotal(
        "/api/v1/logs/search?q=body:bulk&start=now-1h&end=now%2B1m&limit=1", RECORDS);
    // No cap on a whole stream's bytes or time (Armeria's client defaults: 10 MiB, 15 s): an
    // export is long and a tail runs until cancelled.
    client =
        GrpcClients.builder("http://127.0.0.1:" + spyglass.api)
            .maxResponseLength(0)
            .responseTimeoutMillis(0)
            .build(QueryServiceGrpc.QueryServiceStub.class);
  }

  @AfterAll
  static void stop() {
    spyglass.close();
    meters.close();
  }

  private static LogRecord log(long time, String body, boolean error) {
    return LogRecord.newBuilder()
        .setTimeUnixNano(time)
        .setSeverityNumber(
            error ? SeverityNumber.SEVERITY_NUMBER_ERROR : SeverityNumber.SEVERITY_NUMBER_INFO)
        .setSeverityText(error ? "ERROR" : "INFO")
        .setBody(AnyValue.newBuilder().setStringValue(body))
        .build();
  }

  private static ExportLogsServiceRequest request(ScopeLogs.Builder scope) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue("bulk"))))
                .addScopeLogs(scope))
        .build();
  }

  /** The server's count of records its streams sent for {@code method}. */
  private static long sent(String method) {
    long total = 0;
    for (MetricData metric : METRICS.collectAllMetrics()) {
      if (metric.getName().equals("spyglass_query_grpc_stream_records")) {
        for (LongPointData point : metric.getLongSumData().getPoints()) {
          if (method.equals(point.getAttributes().get(AttributeKey.stringKey("method")))
              && "sent".equals(point.getAttributes().get(AttributeKey.stringKey("outcome")))) {
            total += point.getValue();
          }
        }
      }
    }
    return total;
  }

  private static long tails() {
    for (MetricData metric : METRICS.collectAllMetrics()) {
      if (metric.getName().equals("spyglass_store_tail_subscribers")) {
        return metric.getLongGaugeData().getPoints().iterator().next().getValue();
      }
    }
    return -1;
  }

  @Test
  void export_streams100kRecords_noFasterThanTheClientReads() throws Exception {
    Set<String> bodies = new HashSet<>();
    AtomicLong messages = new AtomicLong();
    AtomicReference<ClientCallStreamObserver<ExportRequest>> call = new AtomicReference<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<Void> paused = new CompletableFuture<>();
    client.export(
        ExportRequest.newBuilder()
            .setSignal(Signal.SIGNAL_LOGS)
            .setQuery("body:bulk")
            .setStart("now-1h")
            .setEnd("now+1m")
            .build(),
        new ClientResponseObserver<ExportRequest, ExportResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<ExportRequest> stream) {
            call.set(stream);
            stream.disableAutoRequestWithInitial(1);
          }

          @Override
          public void onNext(ExportResponse page) {
            assertThat(page.hasLogs()).isTrue();
            page.getLogs()
                .getResourceLogsList()
                .forEach(
                    r ->
                        r.getScopeLogsList()
                            .forEach(
                                s ->
                                    s.getLogRecordsList()
                                        .forEach(l -> bodies.add(l.getBody().getStringValue()))));
            if (messages.incrementAndGet() == 1) {
              paused.complete(null); // the client stops reading for a while
            } else {
              call.get().request(1);
            }
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    paused.get(30, TimeUnit.SECONDS);
    // While the client reads nothing, the server stops reading pages: what it sent settles at what
    // the transport's flow-control windows hold, far below the whole export.
    AtomicLong before = new AtomicLong(-1);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(1500))
        .until(
            () -> {
              long now = sent("export");
              return before.getAndSet(now) == now;
            });
    long whilePaused = sent("export");
    System.out.println("export: " + whilePaused + " records sent while the client read one page");
    assertThat(whilePaused).isLessThan(30_000);
    assertThat(messages.get()).isEqualTo(1);

    call.get().request(1);
    done.get(120, TimeUnit.SECONDS);
    assertThat(bodies).hasSize(RECORDS);
    assertThat(messages.get()).isEqualTo(RECORDS / 1000);
    assertThat(sent("export")).isEqualTo(RECORDS);
  }

  @Test
  void tail_pushesARecordSentAfterItSubscribed() throws Exception {
    BlockingQueue<TailResponse> received = new LinkedBlockingQueue<>();
    AtomicReference<ClientCallStreamObserver<TailRequest>> call = new AtomicReference<>();
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    client.tail(
        TailRequest.newBuilder()
            .setSignal(Signal.SIGNAL_LOGS)
            .setQuery("severity_text:ERROR AND body:checkout")
            .build(),
        new ClientResponseObserver<TailRequest, TailResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<TailRequest> stream) {
            call.set(stream);
          }

          @Override
          public void onNext(TailResponse message) {
            received.add(message);
          }

          @Override
          public void onError(Throwable t) {
            ended.complete(t);
          }

          @Override
          public void onCompleted() {
            ended.complete(null);
          }
        });
    TailResponse subscribed = received.poll(10, TimeUnit.SECONDS);
    assertThat(subscribed).isNotNull();
    assertThat(subscribed.getRecords()).isZero();
    assertThat(tails()).isEqualTo(1);

    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeLogs.Builder scope =
        ScopeLogs.newBuilder()
            .addLogRecords(log(now, "checkout failed: card declined", true))
            .addLogRecords(log(now, "checkout done", false))
            .addLogRecords(log(now, "payment failed", true));
    long sent = System.nanoTime();
    assertThat(spyglass.send("logs", "application/x-protobuf", request(scope).toByteArray()))
        .isEqualTo(200);
    TailResponse pushed = received.poll(10, TimeUnit.SECONDS);
    long latencyMs = (System.nanoTime() - sent) / 1_000_000;
    assertThat(pushed).as("a pushed record").isNotNull();
    assertThat(pushed.getRecords()).isEqualTo(1);
    assertThat(pushed.getDropped()).isZero();
    LogRecord record = pushed.getLogs().getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    assertThat(record.getBody().getStringValue()).isEqualTo("checkout failed: card declined");
    assertThat(pushed.getLogs().getResourceLogs(0).getResource().getAttributes(0).getKey())
        .isEqualTo("service.name");
    System.out.println("tail: record pushed " + latencyMs + " ms after its export was sent");
    assertThat(received.poll(500, TimeUnit.MILLISECONDS)).as("nothing else matches").isNull();

    // Cancelling ends the subscription in the store.
    call.get().cancel("done", null);
    await().atMost(Duration.ofSeconds(10)).until(() -> tails() == 0);
    assertThat(Status.fromThrowable(ended.get(10, TimeUnit.SECONDS)).getCode())
        .isEqualTo(Status.Code.CANCELLED);
  }

  @Test
  void tail_refusesAQueryThatDoesNotParse() throws Exception {
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    client.tail(
        TailRequest.newBuilder().setSignal(Signal.SIGNAL_LOGS).setQuery("body:(oops").build(),
        new io.grpc.stub.StreamObserver<>() {
          @Override
          public void onNext(TailResponse message) {}

          @Override
          public void onError(Throwable t) {
            ended.complete(t);
          }

          @Override
          public void onCompleted() {
            ended.complete(null);
          }
        });
    Status status = Status.fromThrowable(ended.get(10, TimeUnit.SECONDS));
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("body:(oops");
  }

  @Test
  void reflection_listsTheQueryServices_forGrpcurl() throws Exception {
    var reflection =
        GrpcClients.newClient(
            "http://127.0.0.1:" + spyglass.api,
            io.grpc.reflection.v1.ServerReflectionGrpc.ServerReflectionStub.class);
    CompletableFuture<io.grpc.reflection.v1.ServerReflectionResponse> answer =
        new CompletableFuture<>();
    var requests =
        reflection.serverReflectionInfo(
            new io.grpc.stub.StreamObserver<>() {
              @Override
              public void onNext(io.grpc.reflection.v1.ServerReflectionResponse response) {
                answer.complete(response);
              }

              @Override
              public void onError(Throwable t) {
                answer.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    requests.onNext(
        io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    assertThat(answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList())
        .extracting(io.grpc.reflection.v1.ServiceResponse::getName)
        .contains("spyglass.query.v1.QueryService", "jaeger.api_v3.QueryService");
  }

  @Test
  void tail_outlivesTheApisRequestTimeout() throws Exception {
    BlockingQueue<TailResponse> received = new LinkedBlockingQueue<>();
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    AtomicReference<ClientCallStreamObserver<TailRequest>> call = new AtomicReference<>();
    client.tail(
        TailRequest.newBuilder().setSignal(Signal.SIGNAL_LOGS).setQuery("body:later").build(),
        new ClientResponseObserver<TailRequest, TailResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<TailRequest> stream) {
            call.set(stream);
          }

          @Override
          public void onNext(TailResponse message) {
            received.add(message);
          }

          @Override
          public void onError(Throwable t) {
            ended.complete(t);
          }

          @Override
          public void onCompleted() {
            ended.complete(null);
          }
        });
    assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull();
    // The API answers single requests within query_timeout + 5 s (15 s here); a tail is not one.
    Thread.sleep(16_000);
    assertThat(ended).isNotDone();
    ScopeLogs.Builder scope =
        ScopeLogs.newBuilder()
            .addLogRecords(
                log(System.currentTimeMillis() * 1_000_000L, "later, still tailed", false));
    assertThat(spyglass.send("logs", "application/x-protobuf", request(scope).toByteArray()))
        .isEqualTo(200);
    TailResponse pushed = received.poll(10, TimeUnit.SECONDS);
    assertThat(pushed).isNotNull();
    assertThat(pushed.getRecords()).isEqualTo(1);
    call.get().cancel("done", null);
  }
}
