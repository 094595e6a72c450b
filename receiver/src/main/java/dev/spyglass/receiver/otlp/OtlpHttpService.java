package dev.spyglass.receiver.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.spyglass.pipeline.ConsumeException;
import dev.spyglass.pipeline.PermanentException;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.Tenants;
import dev.spyglass.pipeline.otlp.OtlpJson;
import dev.spyglass.receiver.otlp.ReceiverTelemetry.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;

/**
 * {@code POST /v1/traces}, {@code /v1/metrics}, {@code /v1/logs}: OTLP/HTTP with protobuf or JSON
 * bodies, plain or gzip/deflate/zstd, answered in the request's content type once the pipeline has
 * taken the batch. Errors carry a {@code google.rpc.Status} body, as the specification asks.
 */
final class OtlpHttpService<R extends Message> implements HttpService {
  private static final MediaType PROTOBUF = MediaType.create("application", "x-protobuf");

  private final OtlpSignal<R> signal;
  private final TelemetryConsumer consumer;
  private final Exports exports;
  private final HttpSettings settings;
  private final Optional<BearerTokens> auth;
  private final Logger log;

  OtlpHttpService(
      OtlpSignal<R> signal,
      TelemetryConsumer consumer,
      Exports exports,
      HttpSettings settings,
      Optional<BearerTokens> auth,
      Logger log) {
    this.signal = signal;
    this.consumer = consumer;
    this.exports = exports;
    this.settings = settings;
    this.auth = auth;
    this.log = log;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    Format format = Format.of(req.contentType());
    // Answers in the request's own content type, parameters included (OTLP/HTTP); JSON when that
    // is not one we speak.
    Reply answerIn =
        format == null
            ? new Reply(Format.JSON, MediaType.JSON)
            : new Reply(format, req.contentType());
    Optional<String> principal = Optional.empty();
    if (auth.isPresent()) {
      principal = auth.get().authenticate(req.headers().get(HttpHeaderNames.AUTHORIZATION));
      if (principal.isEmpty()) {
        exports.refusedAuthentication(
            Transport.HTTP,
            ctx.remoteAddress(),
            req.headers().contains(HttpHeaderNames.AUTHORIZATION));
        return error(answerIn, HttpStatus.UNAUTHORIZED, 16, "missing or invalid bearer token");
      }
    }
    if (format == null) {
      return error(
          answerIn,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          3,
          "unsupported Content-Type '"
              + req.contentType()
              + "'; expected application/x-protobuf or application/json");
    }
    long declared = req.headers().contentLength();
    if (declared > maxBodySize()) {
      // Refused on its Content-Length, before a byte of it is read, with the same OTLP answer.
      return tooLarge(answerIn);
    }
    ctx.setMaxRequestLength(maxBodySize());
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    if (!RequestBody.isSupported(encoding)) {
      return error(
          answerIn,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          3,
          "unsupported Content-Encoding '" + encoding + "'; supported: gzip, deflate, zstd");
    }
    Optional<String> tenant;
    try {
      tenant = Optional.ofNullable(req.headers().get(Tenants.HEADER)).map(Tenants::check);
    } catch (IllegalArgumentException e) {
      return error(answerIn, HttpStatus.BAD_REQUEST, 3, e.getMessage());
    }
    Optional<String> caller = principal;
    Optional<String> bound = auth.flatMap(tokens -> tokens.tenantOf(caller));
    if (bound.isPresent()) {
      if (tenant.isPresent() && !tenant.equals(bound)) {
        return error(
            answerIn,
            HttpStatus.FORBIDDEN,
            7,
            "this token sends tenant " + bound.get() + "'s data only, not " + tenant.get() + "'s");
      }
      tenant = bound;
    }
    Optional<RetryableException> wait = exports.throttled(tenant);
    if (wait.isPresent()) {
      // Told to wait and back too soon: the same 429, the body read (so that the connection
      // stays usable and the client sees the answer) but never decoded or passed on.
      return HttpResponse.of(
          req.aggregate().handle((ignored, failure) -> answer(answerIn, null, wait.get())));
    }
    RequestContext context = context(ctx, req, principal, tenant);
    CompletableFuture<HttpResponse> response =
        req.aggregate()
            .thenApplyAsync(body -> decode(body, encoding, format), ctx.blockingTaskExecutor())
            .thenCompose(
                request -> exports.export(signal, consumer, request, context, Transport.HTTP))
            .handle((message, failure) -> answer(answerIn, message, failure));
    return HttpResponse.of(response);
  }

  private R decode(AggregatedHttpRequest body, String encoding, Format format) {
    try {
      byte[] bytes = RequestBody.decode(body.content().array(), encoding, maxBodySize());
      return format == Format.JSON ? signal.parseJson(bytes) : signal.parseProtobuf(bytes);
    } catch (RequestBody.TooLargeException e) {
      throw new CompletionException(e);
    } catch (InvalidProtocolBufferException e) {
      throw new CompletionException(
          new PermanentException("cannot decode " + format.description + ": " + e.getMessage()));
    } catch (IOException e) {
      throw new CompletionException(
          new PermanentException(
              "cannot decode Content-Encoding '" + encoding + "': " + e.getMessage()));
    }
  }

  private HttpResponse answer(Reply reply, Message message, Throwable failure) {
    if (failure == null) {
      return HttpResponse.of(HttpStatus.OK, reply.type(), reply.format().encode(message));
    }
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof ContentTooLargeException
        || cause instanceof RequestBody.TooLargeException) {
      return tooLarge(reply);
    }
    ConsumeException classified = ConsumeException.classify(cause);
    if (classified instanceof RetryableException retryable) {
      long seconds = Math.max(1, (retryable.retryAfter().toMillis() + 999) / 1000);
      HttpStatus status =
          retryable.throttled() ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.SERVICE_UNAVAILABLE;
      log.debug("answering {}: {}", status.code(), retryable.getMessage());
      ResponseHeaders headers =
          ResponseHeaders.builder(status)
              .contentType(reply.type())
              .set(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds))
              .build();
      return HttpResponse.of(
          headers, reply.format().status(retryable.throttled() ? 8 : 14, retryable.getMessage()));
    }
    return error(reply, HttpStatus.BAD_REQUEST, 3, classified.getMessage());
  }

  private HttpResponse tooLarge(Reply reply) {
    return error(
        reply,
        HttpStatus.REQUEST_ENTITY_TOO_LARGE,
        3,
        "request body exceeds " + maxBodySize() + " bytes (after decompression)");
  }

  private long maxBodySize() {
    return settings.maxRequestBodySize();
  }

  private RequestContext context(
      ServiceRequestContext ctx,
      HttpRequest req,
      Optional<String> principal,
      Optional<String> tenant) {
    Map<String, List<String>> headers =
        settings.includeMetadata() ? Metadata.of(req.headers()) : Map.of();
    InetSocketAddress remote = ctx.remoteAddress();
    return new RequestContext(Optional.of(remote), headers, principal, tenant);
  }

  private static HttpResponse error(Reply reply, HttpStatus status, int code, String message) {
    return HttpResponse.of(
        ResponseHeaders.builder(status).contentType(reply.type()).build(),
        reply.format().status(code, message));
  }

  /** How to answer: the encoding, and the content type to say it in. */
  private record Reply(Format format, MediaType type) {}

  /** The two OTLP/HTTP encodings. */
  enum Format {
    PROTOBUF(OtlpHttpService.PROTOBUF, "protobuf"),
    JSON(MediaType.JSON, "JSON");

    final MediaType mediaType;
    final String description;

    Format(MediaType mediaType, String description) {
      this.mediaType = mediaType;
      this.description = description;
    }

    static Format of(MediaType contentType) {
      if (contentType == null) {
        return null;
      }
      if (contentType.is(OtlpHttpService.PROTOBUF)) {
        return PROTOBUF;
      }
      if (contentType.is(MediaType.JSON)) {
        return JSON;
      }
      return null;
    }

    com.linecorp.armeria.common.HttpData encode(Message message) {
      return this == PROTOBUF
          ? com.linecorp.armeria.common.HttpData.wrap(message.toByteArray())
          : com.linecorp.armeria.common.HttpData.ofUtf8(OtlpJson.write(message));
    }

    com.linecorp.armeria.common.HttpData status(int code, String message) {
      return encode(com.google.rpc.Status.newBuilder().setCode(code).setMessage(message).build());
    }
  }
}
