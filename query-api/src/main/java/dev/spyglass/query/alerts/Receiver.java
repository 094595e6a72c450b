package dev.spyglass.query.alerts;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;

/**
 * Where notifications go: an Alertmanager (its base URL; alerts are posted to {@code
 * /api/v2/alerts}) or a webhook (the URL itself, sent Alertmanager's webhook payload).
 *
 * @param name how telemetry and the webhook payload's {@code receiver} name it
 * @param url {@code http} or {@code https}
 * @param timeout per request attempt
 * @param maxRetries attempts after the first, with exponential backoff, on a 5xx, a 429 or no
 *     answer
 * @param repeatInterval webhooks only: how often a still-firing group is notified again
 */
public record Receiver(
    String name, URI url, Duration timeout, int maxRetries, Duration repeatInterval) {
  public Receiver {
    requireNonNull(name, "name");
    requireNonNull(url, "url");
    requireNonNull(timeout, "timeout");
    requireNonNull(repeatInterval, "repeatInterval");
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw new IllegalArgumentException("'" + url + "' is not an http or https URL");
    }
    if (url.getHost() == null) {
      throw new IllegalArgumentException("'" + url + "' names no host");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("max_retries must not be negative");
    }
  }
}
