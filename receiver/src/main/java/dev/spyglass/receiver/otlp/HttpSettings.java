package dev.spyglass.receiver.otlp;

import dev.spyglass.pipeline.component.Endpoint;
import dev.spyglass.pipeline.component.InvalidConfigException;

/**
 * OTLP/HTTP settings.
 *
 * @param endpoint where to listen; default {@code 127.0.0.1:4318}
 * @param maxRequestBodySize the largest request body in bytes, measured after decompression;
 *     default 20 MiB
 * @param includeMetadata keep request headers in the request context; default false
 * @param tls TLS (and mTLS) settings; null for plaintext
 * @param auth authentication settings; null for none
 * @param cors cross-origin settings for browser SDKs; null for none
 */
public record HttpSettings(
    Endpoint endpoint,
    Long maxRequestBodySize,
    Boolean includeMetadata,
    TlsSettings tls,
    AuthSettings auth,
    CorsSettings cors) {

  /** The default HTTP endpoint. */
  public static final Endpoint DEFAULT_ENDPOINT = new Endpoint("127.0.0.1", 4318);

  /** The default body limit: 20 MiB. */
  public static final long DEFAULT_MAX_REQUEST_BODY_SIZE = 20L * 1024 * 1024;

  public HttpSettings {
    endpoint = endpoint == null ? DEFAULT_ENDPOINT : endpoint;
    maxRequestBodySize =
        maxRequestBodySize == null ? DEFAULT_MAX_REQUEST_BODY_SIZE : maxRequestBodySize;
    includeMetadata = includeMetadata != null && includeMetadata;
  }

  void validate(String prefix) {
    if (maxRequestBodySize < 1 || maxRequestBodySize > Integer.MAX_VALUE - 8) {
      throw new InvalidConfigException(
          prefix + "max_request_body_size", "must be between 1 and 2147483639 bytes");
    }
    if (tls != null) {
      tls.validate(prefix + "tls.");
    }
    if (auth != null) {
      auth.validate(prefix + "auth.");
    }
  }
}
