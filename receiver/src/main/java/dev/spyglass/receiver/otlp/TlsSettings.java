package dev.spyglass.receiver.otlp;

import dev.spyglass.pipeline.component.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS for a listener, named as the Collector's {@code configtls}.
 *
 * @param certFile the server certificate chain, PEM
 * @param keyFile the server's private key, PEM (PKCS#8)
 * @param clientCaFile when set, clients must present a certificate signed by one of these CAs
 *     (mTLS)
 */
public record TlsSettings(String certFile, String keyFile, String clientCaFile) {

  void validate(String prefix) {
    requireFile(prefix + "cert_file", certFile);
    requireFile(prefix + "key_file", keyFile);
    if (clientCaFile != null && !clientCaFile.isEmpty()) {
      requireFile(prefix + "client_ca_file", clientCaFile);
    }
  }

  private static void requireFile(String key, String file) {
    if (file == null || file.isEmpty()) {
      throw new InvalidConfigException(key, "is required when tls is set");
    }
    if (!Files.isReadable(Path.of(file))) {
      throw new InvalidConfigException(key, "cannot read file '" + file + "'");
    }
  }
}
