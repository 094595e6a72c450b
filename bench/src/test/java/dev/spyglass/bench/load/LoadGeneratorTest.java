package dev.spyglass.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import dev.spyglass.bench.data.MetricGenerator;
import dev.spyglass.bench.data.Timeline;
import dev.spyglass.pipeline.Signal;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The load generator against a real HTTP server on loopback that refuses every third request. */
class LoadGeneratorTest {

  @Test
  void countsAcceptedAndRefusedRecordsAsTheServerAnswered() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    AtomicLong acceptedPoints = new AtomicLong();
    Server server =
        Server.builder()
            .gracefulShutdownTimeout(Duration.ZERO, Duration.ZERO)
            .http(0)
            .service(
                "/v1/metrics",
                (ctx, req) ->
                    HttpResponse.of(
                        req.aggregate()
                            .thenApply(
                                body -> {
                                  if (requests.incrementAndGet() % 3 == 0) {
                                    return HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE);
                                  }
                                  try {
                                    var request =
                                        ExportMetricsServiceRequest.parseFrom(
                                            body.content().array());
                                    acceptedPoints.addAndGet(
                                        Payload.of(Signal.METRICS, request).records());
                                  } catch (Exception e) {
                                    return HttpResponse.of(HttpStatus.BAD_REQUEST);
                                  }
                                  return HttpResponse.of(HttpStatus.OK);
                                })))
            .build();
    server.start().join();
    try (OtlpClient client = OtlpClient.http("127.0.0.1", server.activeLocalPort())) {
      LoadResult result =
          new LoadGenerator(
                  new LoadGenerator.Plan(Signal.METRICS, 2, 70, 7_000, 0, Long.MAX_VALUE, 7_000),
                  c -> new MetricGenerator(Timeline.live(), c))
              .run(client);
      assertThat(result.failed()).isZero();
      assertThat(result.accepted()).isEqualTo(acceptedPoints.get());
      assertThat(result.accepted() + result.refused()).isGreaterThanOrEqualTo(7_000);
      assertThat(result.refused()).isPositive();
      assertThat(result.latency().getTotalCount()).isEqualTo(requests.get());
    } finally {
      server.stop().join();
    }
  }
}
