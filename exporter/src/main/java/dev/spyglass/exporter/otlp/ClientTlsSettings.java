package dev.spyglass.exporter.otlp;

import dev.spyglass.pipeline.component.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS of an exporter's connection, named as the Collector's client {@code configtls}.
 *
 * @param insecure plaintext for a gRPC endpoint written without a scheme (the Collector's meaning);
 *     default false
 * @param insecureSkipVerify TLS without checking the server's certificate; default false
 * @param caFile CAs that sign the server's certificate (PEM); default the JDK's trust store
 * @param certFile the client certificate chain for mTLS (PEM)
 * @param keyFile the client's private key for mTLS (PEM, PKCS#8)
 */
public record ClientTlsSettings(
    boolean insecure, boolean insecureSkipVerify, String caFile, String certFile, String keyFile) {

  static final ClientTlsSettings DEFAULT = new ClientTlsSettings(false, false, "", "", "");

  public ClientTlsSettings {
    caFile = caFile == null ? "" : caFile;
    certFile = certFile == null ? "" : certFile;
    keyFile = keyFile == null ? "" : keyFile;
  }

  void validate() {
    readable("tls.ca_file", caFile);
    readable("tls.cert_file", certFile);
    readable("tls.key_file", keyFile);
    if (certFile.isEmpty() != keyFile.isEmpty()) {
      throw new InvalidConfigException(
          certFile.isEmpty() ? "tls.cert_file" : "tls.key_file",
          "is required with tls." + (certFile.isEmpty() ? "key_file" : "cert_file"));
    }
  }

  boolean hasClientCertificate() {
    return !certFile.isEmpty();
  }

  private static void readable(String key, String file) {
    if (!file.isEmpty() && !Files.isReadable(Path.of(file))) {
      throw new InvalidConfigException(key, "cannot read file '" + file + "'");
    }
  }
}
