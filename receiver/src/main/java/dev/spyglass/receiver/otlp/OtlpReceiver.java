package dev.spyglass.receiver.otlp;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.cors.CorsService;
import com.linecorp.armeria.server.cors.CorsServiceBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Consumers;
import dev.spyglass.pipeline.component.Endpoint;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.pipeline.component.Receiver;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;

/**
 * The {@code otlp} receiver: OTLP/gRPC and OTLP/HTTP listeners, each on its own port, serving the
 * signals that some pipeline takes from this receiver.
 */
final class OtlpReceiver implements Receiver {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration QUIET_PERIOD = Duration.ofMillis(200);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

  private final OtlpReceiverConfig config;
  private final Consumers consumers;
  private final Exports exports;
  private final Logger log;
  private final List<Server> servers = new ArrayList<>();
  private volatile Server grpcServer;
  private volatile Server httpServer;

  OtlpReceiver(ComponentSettings settings, OtlpReceiverConfig config, Consumers consumers) {
    this.config = config;
    this.consumers = consumers;
    this.log = settings.logger();
    this.exports = new Exports(consumers, new ReceiverTelemetry(settings), log);
  }

  @Override
  public void start(Host host) {
    GrpcSettings grpc = config.protocols().grpc();
    if (grpc != null) {
      grpcServer = start(grpcServer(grpc), "OTLP/gRPC", grpc.tls() != null);
    }
    HttpSettings http = config.protocols().http();
    if (http != null) {
      httpServer = start(httpServer(http), "OTLP/HTTP", http.tls() != null);
    }
  }

  private Server start(Server server, String name, boolean tls) {
    servers.add(server);
    server.start().join();
    log.info(
        "{} listening on {}://{}:{}",
        name,
        tls ? "https" : "http",
        server.activePort().localAddress().getHostString(),
        server.activeLocalPort());
    return server;
  }

  private Server grpcServer(GrpcSettings settings) {
    OtlpGrpcServices services = new OtlpGrpcServices(exports, settings, auth(settings.auth()));
    int maxBytes = settings.maxRecvMsgSizeMib() * 1024 * 1024;
    GrpcServiceBuilder grpc =
        GrpcService.builder()
            .maxRequestMessageLength(maxBytes)
            .enableUnframedRequests(false)
            .exceptionHandler(
                (ctx, status, cause, metadata) ->
                    // grpc-java refuses an oversized message with RESOURCE_EXHAUSTED, which OTLP
                    // clients retry forever; it is the data's fault, so say INVALID_ARGUMENT.
                    // (A tenant over its limits is RESOURCE_EXHAUSTED on purpose, with RetryInfo:
                    // kept.)
                    status.getCode() == Status.Code.RESOURCE_EXHAUSTED
                            && !(cause instanceof OtlpGrpcServices.Throttled)
                        ? Status.INVALID_ARGUMENT.withDescription(
                            "request message exceeds "
                                + settings.maxRecvMsgSizeMib()
                                + " MiB (max_recv_msg_size_mib): "
                                + status.getDescription())
                        : status);
    consumers
        .forSignal(OtlpSignal.TRACES.signal())
        .ifPresent(c -> grpc.addService(services.traces(c)));
    consumers
        .forSignal(OtlpSignal.METRICS.signal())
        .ifPresent(c -> grpc.addService(services.metrics(c)));
    consumers.forSignal(OtlpSignal.LOGS.signal()).ifPresent(c -> grpc.addService(services.logs(c)));
    ServerBuilder server = listener(settings.endpoint(), settings.tls());
    // No HTTP-level cap: the gRPC deframer checks each message's length prefix (and its size
    // after decompression) before buffering it, and answers with a gRPC status the client
    // understands; an HTTP-level 413 would reach an OTLP client as UNKNOWN.
    server.maxRequestLength(0);
    server.service(grpc.build());
    return server.build();
  }

  private Server httpServer(HttpSettings settings) {
    ServerBuilder server = listener(settings.endpoint(), settings.tls());
    // No server-wide cap: the OTLP service caps each request itself (its Content-Length first,
    // then what arrives), so that even a refusal by length is answered with a google.rpc.Status
    // in the request's content type rather than Armeria's plain-text 413.
    server.maxRequestLength(0);
    Optional<BearerTokens> auth = auth(settings.auth());
    addHttp(server, OtlpSignal.TRACES, settings, auth);
    addHttp(server, OtlpSignal.METRICS, settings, auth);
    addHttp(server, OtlpSignal.LOGS, settings, auth);
    CorsSettings cors = settings.cors();
    if (cors != null && !cors.allowedOrigins().isEmpty()) {
      CorsServiceBuilder builder =
          cors.allowedOrigins().contains("*")
              ? CorsService.builderForAnyOrigin()
              : CorsService.builder(cors.allowedOrigins());
      builder
          .allowRequestMethods(com.linecorp.armeria.common.HttpMethod.POST)
          .allowRequestHeaders("content-type", "content-encoding")
          .exposeHeaders("retry-after");
      if (!cors.allowedHeaders().isEmpty()) {
        builder.allowRequestHeaders(cors.allowedHeaders());
      }
      if (cors.maxAge() > 0) {
        builder.maxAge(cors.maxAge());
      }
      server.decorator(builder.newDecorator());
    }
    return server.build();
  }

  private <R extends com.google.protobuf.Message> void addHttp(
      ServerBuilder server,
      OtlpSignal<R> signal,
      HttpSettings settings,
      Optional<BearerTokens> auth) {
    Optional<TelemetryConsumer> consumer = exports.consumer(signal);
    consumer.ifPresent(
        c ->
            server
                .route()
                .post(signal.httpPath())
                .build(new OtlpHttpService<>(signal, c, exports, settings, auth, log)));
  }

  private static ServerBuilder listener(Endpoint endpoint, TlsSettings tls) {
    ServerBuilder server = TlsSettings.listen(Server.builder(), endpoint.socketAddress(), tls);
    return server
        .requestTimeout(REQUEST_TIMEOUT)
        .gracefulShutdownTimeout(QUIET_PERIOD, DRAIN_TIMEOUT);
  }

  private static Optional<BearerTokens> auth(AuthSettings auth) {
    return auth == null
        ? Optional.empty()
        : Optional.of(new BearerTokens(auth.tokens(), auth.tenantTokens()));
  }

  /** Stops accepting, lets requests in flight finish (up to 5 s), and closes the ports. */
  @Override
  public void shutdown() {
    CompletableFuture.allOf(servers.stream().map(Server::stop).toArray(CompletableFuture[]::new))
        .join();
  }

  /** The port OTLP/gRPC listens on; for tests that configure port 0. */
  int grpcPort() {
    return grpcServer.activeLocalPort();
  }

  /** The port OTLP/HTTP listens on; for tests that configure port 0. */
  int httpPort() {
    return httpServer.activeLocalPort();
  }
}
