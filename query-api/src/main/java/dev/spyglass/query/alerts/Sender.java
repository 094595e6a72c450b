package dev.spyglass.query.alerts;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.retry.Backoff;
import com.linecorp.armeria.client.retry.RetryConfig;
import com.linecorp.armeria.client.retry.RetryRule;
import com.linecorp.armeria.client.retry.RetryingClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * Posts JSON to one receiver, with retries and a timeout per attempt, never blocking the
 * evaluation: at most {@link #MAX_IN_FLIGHT} posts wait at once, more are dropped and counted.
 */
final class Sender {
  static final int MAX_IN_FLIGHT = 64;
  private static final AttributeKey<String> RECEIVER = AttributeKey.stringKey("receiver");

  private final Receiver receiver;
  private final WebClient client;
  private final Logger log;
  private final Attributes attributes;
  private final LongCounter sent;
  private final LongCounter errors;
  private final LongCounter dropped;
  private final DoubleHistogram latency;
  private final AtomicInteger inFlight = new AtomicInteger();

  Sender(Receiver receiver, ClientFactory factory, Meter meter, Logger log) {
    this.receiver = receiver;
    this.log = log;
    RetryRule rule =
        RetryRule.builder()
            .onServerErrorStatus()
            .onStatus(HttpStatus.TOO_MANY_REQUESTS)
            .onException()
            .thenBackoff(Backoff.exponential(200, 5_000).withJitter(0.2));
    Duration attempt = receiver.timeout();
    this.client =
        WebClient.builder(receiver.url().getScheme() + "://" + receiver.url().getRawAuthority())
            .factory(factory)
            .responseTimeout(attempt.multipliedBy(receiver.maxRetries() + 1L).plusSeconds(10))
            .decorator(
                RetryingClient.newDecorator(
                    RetryConfig.builder(rule)
                        .maxTotalAttempts(receiver.maxRetries() + 1)
                        .responseTimeoutForEachAttempt(attempt)
                        .build()))
            .build();
    this.attributes = Attributes.of(RECEIVER, receiver.name());
    this.sent =
        meter
            .counterBuilder("spyglass_alerts_notifications_sent")
            .setDescription("Notification requests a receiver accepted")
            .build();
    this.errors =
        meter
            .counterBuilder("spyglass_alerts_notifications_errors")
            .setDescription("Notification requests that failed after their retries")
            .build();
    this.dropped =
        meter
            .counterBuilder("spyglass_alerts_notifications_dropped")
            .setDescription("Notification requests dropped: too many waiting for a slow receiver")
            .build();
    this.latency =
        meter
            .histogramBuilder("spyglass_alerts_notification_duration")
            .setUnit("s")
            .setDescription("Time to deliver a notification request, retries included")
            .build();
  }

  Receiver receiver() {
    return receiver;
  }

  /**
   * Posts {@code json} to {@code path} (empty for the receiver's URL itself); the future says
   * whether the receiver took it, and never fails.
   */
  CompletableFuture<Boolean> post(String path, byte[] json) {
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      dropped.add(1, attributes);
      log.warn(
          "dropped a notification to {}: {} are still waiting", receiver.name(), MAX_IN_FLIGHT);
      return CompletableFuture.completedFuture(false);
    }
    long started = System.nanoTime();
    String target = receiver.url().getRawPath() == null ? "" : receiver.url().getRawPath();
    String full = path.isEmpty() ? target : target.replaceAll("/+$", "") + path;
    String query = receiver.url().getRawQuery();
    if (full.isEmpty()) {
      full = "/";
    }
    return client
        .execute(
            HttpRequest.of(
                HttpMethod.POST,
                query == null ? full : full + "?" + query,
                MediaType.JSON_UTF_8,
                json))
        .aggregate()
        .handle(
            (AggregatedHttpResponse response, Throwable failure) -> {
              inFlight.decrementAndGet();
              latency.record((System.nanoTime() - started) / 1e9, attributes);
              if (failure == null && response.status().isSuccess()) {
                sent.add(1, attributes);
                return true;
              }
              errors.add(1, attributes);
              log.warn(
                  "notification to {} ({}) failed: {}",
                  receiver.name(),
                  receiver.url(),
                  failure != null
                      ? failure.toString()
                      : response.status() + " " + abbreviate(response.contentUtf8()));
              return false;
            });
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }
}
