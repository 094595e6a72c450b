package dev.spyglass.receiver.otlp;

import com.linecorp.armeria.common.TlsKeyPair;
import com.linecorp.armeria.server.ServerBuilder;
import dev.spyglass.pipeline.component.InvalidConfigException;
import io.netty.handler.ssl.ClientAuth;
import java.io.File;
import java.net.InetSocketAddress;
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

  /** Checks that the files are there; {@code prefix} is where the settings are in the config. */
  public void validate(String prefix) {
    requireFile(prefix + "cert_file", certFile);
    requireFile(prefix + "key_file", keyFile);
    if (clientCaFile != null && !clientCaFile.isEmpty()) {
      requireFile(prefix + "client_ca_file", clientCaFile);
    }
  }

  /** Whether clients must present a certificate (mTLS). */
  public boolean requiresClientCertificates() {
    return clientCaFile != null && !clientCaFile.isEmpty();
  }

  /**
   * Listens on {@code address} with plaintext HTTP ({@code tls} null) or HTTPS with {@code tls}.
   */
  public static ServerBuilder listen(
      ServerBuilder server, InetSocketAddress address, TlsSettings tls) {
    if (tls == null) {
      return server.http(address);
    }
    server.https(address).tls(TlsKeyPair.of(new File(tls.keyFile()), new File(tls.certFile())));
    if (tls.requiresClientCertificates()) {
      File ca = new File(tls.clientCaFile());
      server.tlsCustomizer(ssl -> ssl.clientAuth(ClientAuth.REQUIRE).trustManager(ca));
    }
    return server;
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
