package dev.spyglass.receiver.otlp;

import dev.spyglass.pipeline.component.Endpoint;
import dev.spyglass.pipeline.component.InvalidConfigException;

/**
 * OTLP/gRPC settings.
 *
 * @param endpoint where to listen; default {@code 127.0.0.1:4317}
 * @param maxRecvMsgSizeMib the largest request message, decompressed, in MiB; default 20
 * @param includeMetadata keep request headers in the request context; default false
 * @param tls TLS (and mTLS) settings; null for plaintext
 * @param auth authentication settings; null for none
 */
public record GrpcSettings(
    Endpoint endpoint,
    Integer maxRecvMsgSizeMib,
    Boolean includeMetadata,
    TlsSettings tls,
    AuthSettings auth) {

  /** The default gRPC endpoint. */
  public static final Endpoint DEFAULT_ENDPOINT = new Endpoint("127.0.0.1", 4317);

  public GrpcSettings {
    endpoint = endpoint == null ? DEFAULT_ENDPOINT : endpoint;
    maxRecvMsgSizeMib = maxRecvMsgSizeMib == null ? 20 : maxRecvMsgSizeMib;
    includeMetadata = includeMetadata != null && includeMetadata;
  }

  void validate(String prefix) {
    if (maxRecvMsgSizeMib < 1 || maxRecvMsgSizeMib > 1024) {
      throw new InvalidConfigException(
          prefix + "max_recv_msg_size_mib", "must be between 1 and 1024");
    }
    if (tls != null) {
      tls.validate(prefix + "tls.");
    }
    if (auth != null) {
      auth.validate(prefix + "auth.");
    }
  }
}
