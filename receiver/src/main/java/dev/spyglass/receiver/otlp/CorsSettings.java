package dev.spyglass.receiver.otlp;

import java.util.List;

/**
 * Cross-origin resource sharing for browser SDKs, named as the Collector's {@code confighttp}.
 *
 * @param allowedOrigins origins allowed to send ({@code https://app.example.com}, or {@code *})
 * @param allowedHeaders request headers allowed beyond the CORS-safelisted ones and {@code
 *     Content-Type}, {@code Content-Encoding}
 * @param maxAge how long, in seconds, a browser may cache a preflight answer; 0 for its default
 */
public record CorsSettings(
    List<String> allowedOrigins, List<String> allowedHeaders, Integer maxAge) {

  public CorsSettings {
    allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    allowedHeaders = allowedHeaders == null ? List.of() : List.copyOf(allowedHeaders);
    maxAge = maxAge == null ? 0 : maxAge;
  }
}
