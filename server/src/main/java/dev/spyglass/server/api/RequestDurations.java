package dev.spyglass.server.api;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/**
 * Records every API request's duration as the OTel semantic conventions name it: {@code
 * http.server.request.duration} in seconds, by route pattern (never the raw path, so ids do not
 * make new series), method and status code.
 */
final class RequestDurations implements DecoratingHttpServiceFunction {
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");

  private final DoubleHistogram durations;

  RequestDurations(Meter meter) {
    durations =
        meter
            .histogramBuilder("http.server.request.duration")
            .setUnit("s")
            .setDescription("Duration of API requests, the query API's among them")
            .setExplicitBucketBoundariesAdvice(
                List.of(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
            .build();
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    long started = System.nanoTime();
    ctx.log()
        .whenComplete()
        .thenAccept(
            log ->
                durations.record(
                    (System.nanoTime() - started) / 1e9,
                    Attributes.of(
                        ROUTE,
                        ctx.config().route().patternString(),
                        METHOD,
                        req.method().name(),
                        STATUS,
                        (long) log.responseHeaders().status().code())));
    return delegate.serve(ctx, req);
  }
}
