package dev.spyglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.spyglass.pipeline.otlp.OtlpJson;
import dev.spyglass.pipeline.service.Service;
import dev.spyglass.server.config.ConfigLoader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-tenant limits (issue 20, ADR 0022): a tenant over its record rate is answered 429 with {@code
 * Retry-After} over HTTP and {@code RESOURCE_EXHAUSTED} with {@code RetryInfo} over gRPC, while
 * another tenant's requests all pass; over its attributes per record or distinct fields, 400; each
 * tenant's outcome counted.
 */
class TenantLimitsTest {
  @TempDir static Path dir;
  private static final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private static Service service;
  private static int http;
  private static int grpc;
  private static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    http = SpyglassProcess.freePort();
    grpc = SpyglassProcess.freePort();
    int api = SpyglassProcess.freePort();
    String yaml =
        """
        receivers:
          otlp:
            protocols:
              grpc: { endpoint: 127.0.0.1:%d }
              http: { endpoint: 127.0.0.1:%d }
        exporters:
          spyglass:
            path: %s
            multitenancy:
              enabled: true
              default_tenant: main
              limits: { max_attributes_per_record: 4, max_fields: 12 }
              overrides:
                noisy: { ingestion_rate: 20, ingestion_burst_size: 40 }
        extensions:
          api: { endpoint: 127.0.0.1:%d }
        service:
          extensions: [api]
          pipelines:
            logs: { receivers: [otlp], exporters: [spyglass] }
        """
            .formatted(grpc, http, dir.resolve("data"), api);
    service =
        Service.create(
            ConfigLoader.create(ComponentRegistry.factories()).parse(yaml, "test.yaml"),
            ComponentRegistry.factories(),
            SdkMeterProvider.builder().registerMetricReader(metrics).build());
    service.start();
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.shutdown();
    }
  }

  /**
   * A request of {@code records} log records, each with {@code attributes} named from {@code k}.
   */
  private static String logs(int records, int attributes, String k) {
    String attrs =
        IntStream.range(0, attributes)
            .mapToObj(a -> "{\"key\":\"" + k + a + "\",\"value\":{\"intValue\":\"1\"}}")
            .collect(Collectors.joining(","));
    String one = "{\"body\":{\"stringValue\":\"limited\"},\"attributes\":[" + attrs + "]}";
    return "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":["
        + String.join(",", java.util.Collections.nCopies(records, one))
        + "]}]}]}";
  }

  private static HttpResponse<String> post(String tenant, String json) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/v1/logs"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (tenant != null) {
      request.header("X-Scope-OrgID", tenant);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long counted(String tenant, String outcome) {
    return metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("spyglass_tenant_records"))
        .map(MetricData::getLongSumData)
        .flatMap(sum -> sum.getPoints().stream())
        .filter(
            p ->
                tenant.equals(p.getAttributes().get(AttributeKey.stringKey("tenant")))
                    && outcome.equals(p.getAttributes().get(AttributeKey.stringKey("outcome"))))
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  @Test
  void aTenantOverItsRate_gets429WithRetryAfter_whileAnotherPasses() throws Exception {
    List<Integer> noisy = new ArrayList<>();
    List<Integer> quiet = new ArrayList<>();
    HttpResponse<String> throttled = null;
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> answer = post("noisy", logs(10, 1, "a"));
      noisy.add(answer.statusCode());
      if (answer.statusCode() == 429 && throttled == null) {
        throttled = answer;
      }
      quiet.add(post("quiet", logs(10, 1, "a")).statusCode());
    }
    assertThat(noisy.subList(0, 4)).as("the burst of 40").containsOnly(200);
    assertThat(noisy).contains(429);
    assertThat(quiet).containsOnly(200);
    assertThat(throttled).isNotNull();
    long retryAfter = Long.parseLong(throttled.headers().firstValue("retry-after").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 2L);
    assertThat(throttled.body()).contains("tenant noisy is over its ingest limit of 20 records/s");
    assertThat(counted("noisy", "throttled")).isPositive();
    assertThat(counted("noisy", "accepted")).isGreaterThanOrEqualTo(40);
    assertThat(counted("quiet", "accepted")).isEqualTo(100);
    assertThat(counted("quiet", "throttled")).isZero();

    // Over gRPC: RESOURCE_EXHAUSTED, with when to retry.
    LogsServiceGrpc.LogsServiceBlockingStub stub =
        GrpcClients.builder("http://127.0.0.1:" + grpc)
            .addHeader("x-scope-orgid", "noisy")
            .build(LogsServiceGrpc.LogsServiceBlockingStub.class);
    ExportLogsServiceRequest request =
        OtlpJson.read(
                logs(10, 1, "a").getBytes(StandardCharsets.UTF_8),
                ExportLogsServiceRequest.newBuilder())
            .build();
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 10; i++) {
                stub.export(request);
              }
            })
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(retryDelaySeconds(e)).isBetween(0L, 2L);
            });
  }

  private static long retryDelaySeconds(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertThat(status).isNotNull();
    return status.getDetailsList().stream()
        .filter(any -> any.is(com.google.rpc.RetryInfo.class))
        .map(
            any -> {
              try {
                return any.unpack(com.google.rpc.RetryInfo.class);
              } catch (InvalidProtocolBufferException x) {
                throw new AssertionError(x);
              }
            })
        .findFirst()
        .orElseThrow(() -> new AssertionError("no RetryInfo in " + status))
        .getRetryDelay()
        .getSeconds();
  }

  @Test
  void tooManyAttributes_orFields_are400_andNamedTheLimit() throws Exception {
    HttpResponse<String> wide = post("shape", logs(1, 5, "w"));
    assertThat(wide.statusCode()).isEqualTo(400);
    assertThat(wide.body()).contains("max_attributes_per_record");
    assertThat(post("shape", logs(1, 4, "f")).statusCode()).isEqualTo(200);
    assertThat(post("shape", logs(1, 4, "g")).statusCode()).isEqualTo(200);
    assertThat(post("shape", logs(1, 4, "f")).statusCode()).as("known names").isEqualTo(200);
    HttpResponse<String> more = post("shape", logs(1, 4, "h"));
    assertThat(post("shape", logs(1, 4, "i")).statusCode()).isEqualTo(400);
    assertThat(more.statusCode()).isEqualTo(200); // 12 names: at the limit
    HttpResponse<String> over = post("shape", logs(1, 1, "j"));
    assertThat(over.statusCode()).isEqualTo(400);
    assertThat(over.body()).contains("max_fields");
    assertThat(counted("shape", "refused")).isEqualTo(3);
  }

  @Test
  void dataWithoutATenant_isTheDefaultTenants() throws Exception {
    assertThat(post(null, logs(1, 1, "a")).statusCode()).isEqualTo(200);
    assertThat(counted("main", "accepted")).isPositive();
    assertThat(dir.resolve("data/wal")).isDirectory(); // the default tenant's store is at the path
  }
}
