package dev.spyglass.exporter.otlp;

import com.github.luben.zstd.Zstd;
import com.google.protobuf.Message;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import dev.spyglass.exporter.otlp.OtlpHttpExporterConfig.Encoding;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.Tenants;
import dev.spyglass.pipeline.otlp.OtlpJson;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;

/** OTLP/HTTP: a POST of the protobuf or JSON request to the signal's URL. */
final class HttpSender implements Sender {
  private static final long MAX_RESPONSE_BYTES = 4L << 20;

  /**
   * OTLP's protobuf content type (Armeria's {@code MediaType.PROTOBUF} is application/protobuf).
   */
  static final MediaType OTLP_PROTOBUF = MediaType.parse("application/x-protobuf");

  private final ClientFactory factory;
  private final Map<Signal, WebClient> clients = new EnumMap<>(Signal.class);
  private final Map<Signal, String> paths = new EnumMap<>(Signal.class);
  private final OtlpHttpExporterConfig config;

  HttpSender(OtlpHttpExporterConfig config) {
    this.config = config;
    this.factory = Clients.factory(config.tls(), config.timeout());
    for (Signal signal : Signal.values()) {
      URI url = config.url(signal);
      clients.put(
          signal,
          WebClient.builder(url.getScheme() + "://" + url.getRawAuthority())
              .factory(factory)
              .responseTimeout(config.timeout())
              .writeTimeout(config.timeout())
              .maxResponseLength(MAX_RESPONSE_BYTES)
              .build());
      String path = url.getRawPath().isEmpty() ? "/" : url.getRawPath();
      paths.put(signal, url.getRawQuery() == null ? path : path + "?" + url.getRawQuery());
    }
  }

  @Override
  public CompletableFuture<Outcome> send(Telemetry batch) {
    boolean json = config.encoding() == Encoding.JSON;
    byte[] body =
        json
            ? OtlpJson.write(batch.request()).getBytes(StandardCharsets.UTF_8)
            : batch.request().toByteArray();
    RequestHeadersBuilder headers =
        RequestHeaders.builder(HttpMethod.POST, paths.get(batch.signal()))
            .contentType(json ? MediaType.JSON : OTLP_PROTOBUF);
    config.headers().forEach(headers::add);
    // The batch's tenant travels on: the receiving end stores it as this end did.
    batch.context().tenant().ifPresent(tenant -> headers.set(Tenants.HEADER, tenant));
    if (config.compression() != Compression.NONE) {
      headers.set(HttpHeaderNames.CONTENT_ENCODING, config.compression().configName());
      body = compress(body, config.compression());
    }
    try {
      return clients
          .get(batch.signal())
          .execute(HttpRequest.of(headers.build(), HttpData.wrap(body)))
          .aggregate()
          .handle(
              (response, failure) ->
                  failure != null
                      ? new Outcome.Retry(describe(failure), Duration.ZERO)
                      : classify(batch.signal(), response));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(new Outcome.Retry(describe(e), Duration.ZERO));
    }
  }

  /** The OTLP/HTTP rules: 2xx taken; 429, 502, 503, 504 retried; anything else refused. */
  static Outcome classify(Signal signal, AggregatedHttpResponse response) {
    int status = response.status().code();
    if (status >= 200 && status < 300) {
      return partialSuccess(signal, response);
    }
    String reason = "HTTP " + status + errorText(response);
    return switch (status) {
      case 429, 502, 503, 504 ->
          new Outcome.Retry(
              reason,
              RetryAfter.parse(response.headers().get(HttpHeaderNames.RETRY_AFTER), Instant.now()));
      default -> new Outcome.Refused(reason);
    };
  }

  private static Outcome partialSuccess(Signal signal, AggregatedHttpResponse response) {
    byte[] content = response.content().array();
    if (content.length == 0) {
      return new Outcome.Sent(0, "");
    }
    MediaType type = response.contentType();
    boolean json = type != null && type.subtype().endsWith("json");
    try {
      return switch (signal) {
        case TRACES -> {
          ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
          read(content, json, b);
          yield new Outcome.Sent(
              b.getPartialSuccess().getRejectedSpans(), b.getPartialSuccess().getErrorMessage());
        }
        case METRICS -> {
          ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
          read(content, json, b);
          yield new Outcome.Sent(
              b.getPartialSuccess().getRejectedDataPoints(),
              b.getPartialSuccess().getErrorMessage());
        }
        case LOGS -> {
          ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
          read(content, json, b);
          yield new Outcome.Sent(
              b.getPartialSuccess().getRejectedLogRecords(),
              b.getPartialSuccess().getErrorMessage());
        }
      };
    } catch (IOException | RuntimeException unreadable) {
      // Taken (2xx) is taken; an unreadable body only loses the partial-success detail.
      return new Outcome.Sent(0, "");
    }
  }

  private static void read(byte[] content, boolean json, Message.Builder builder)
      throws IOException {
    if (json) {
      OtlpJson.read(content, builder);
    } else {
      builder.mergeFrom(content);
    }
  }

  private static String errorText(AggregatedHttpResponse response) {
    String text = response.contentUtf8().strip();
    if (text.isEmpty()) {
      return "";
    }
    return ": " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
  }

  static String describe(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null
        && (cause instanceof java.util.concurrent.CompletionException
            || cause.getClass().getName().endsWith("UnprocessedRequestException"))) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  static byte[] compress(byte[] body, Compression compression) {
    return switch (compression) {
      case GZIP -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
          gzip.write(body);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        yield out.toByteArray();
      }
      case ZSTD -> Zstd.compress(body);
      case NONE -> body;
    };
  }

  @Override
  public void close() {
    factory.close();
  }
}
