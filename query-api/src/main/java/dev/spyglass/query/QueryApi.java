package dev.spyglass.query;

import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.spyglass.storage.TelemetryReader;
import io.opentelemetry.api.metrics.Meter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The query API of DESIGN §4, mounted on the API server: search, fields, trace lookup and streamed
 * export under {@code /api/v1}. Errors are JSON {@code {"error": {"code", "message"}}}.
 */
public final class QueryApi {
  private static final byte[] OPENAPI = openApi();

  private QueryApi() {}

  private static byte[] openApi() {
    try (java.io.InputStream in = QueryApi.class.getResourceAsStream("openapi.json")) {
      return in.readAllBytes();
    } catch (java.io.IOException | NullPointerException e) {
      throw new IllegalStateException("missing resource openapi.json", e);
    }
  }

  /**
   * Adds the query API's routes to {@code server}. {@code reader} is asked at request time (the
   * store opens after the API starts listening) and answers empty while there is none; every read
   * runs under {@code queryTimeout} (zero for none) and past it answers what it found, flagged
   * {@code partial}. The gRPC services ({@code spyglass.query.v1} and Jaeger's {@code api_v3}) are
   * served on the same port and report their streams' records to {@code meter}.
   */
  public static void addTo(
      ServerBuilder server,
      Supplier<Optional<TelemetryReader>> reader,
      Duration queryTimeout,
      Meter meter) {
    Readers readers = new Readers(reader, queryTimeout);
    Times times = new Times(QueryApi::now);
    ApiErrorHandler errors = new ApiErrorHandler();
    server.annotatedService().exceptionHandlers(errors).build(new SearchApi(readers, times));
    server.annotatedService().exceptionHandlers(errors).build(new TraceApi(readers, times));
    server.annotatedService().exceptionHandlers(errors).build(new ExportApi(readers, times));
    server.annotatedService().exceptionHandlers(errors).build(new JaegerApi(readers, times));
    server.annotatedService().exceptionHandlers(errors).build(new JaegerV3Api(readers, times));
    server.annotatedService().exceptionHandlers(errors).build(new JaegerMonitorApi(readers, times));
    server.annotatedService().exceptionHandlers(errors).build(new AggregateApi(readers, times));
    server.annotatedService().exceptionHandlers(errors).build(new MetricsQueryApi(readers, times));
    server.annotatedService().exceptionHandlers(errors).build(new PatternsApi(readers, times));
    server.service(
        GrpcService.builder()
            .addService(new GrpcQueryService(readers, times, meter))
            .addService(new JaegerGrpcQueryService(readers, times))
            // So grpcurl and other tools list and call the services without the .proto files.
            .addService(io.grpc.protobuf.services.ProtoReflectionServiceV1.newInstance())
            .useBlockingTaskExecutor(true)
            .build());
    server.service(
        "/api/v1/openapi.json",
        (ctx, req) ->
            com.linecorp.armeria.common.HttpResponse.of(
                com.linecorp.armeria.common.HttpStatus.OK,
                com.linecorp.armeria.common.MediaType.JSON_UTF_8,
                OPENAPI));
    server.serviceUnder(
        "/api/v1/",
        (ctx, req) ->
            ApiErrorHandler.error(
                com.linecorp.armeria.common.HttpStatus.NOT_FOUND,
                "not_found",
                "no such endpoint: " + req.method() + " " + ctx.path()));
  }

  private static long now() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
