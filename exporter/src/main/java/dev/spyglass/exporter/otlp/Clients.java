package dev.spyglass.exporter.otlp;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.ClientFactoryBuilder;
import java.io.File;
import java.time.Duration;

/** Armeria client factories from an exporter's TLS settings. */
final class Clients {
  private Clients() {}

  static ClientFactory factory(ClientTlsSettings tls, Duration timeout) {
    ClientFactoryBuilder builder =
        ClientFactory.builder()
            .connectTimeout(timeout)
            .idleTimeout(Duration.ofSeconds(30))
            .useHttp2Preface(true);
    if (tls.insecureSkipVerify()) {
      builder.tlsNoVerify();
    }
    if (!tls.caFile().isEmpty() || tls.hasClientCertificate()) {
      builder.tlsCustomizer(
          ssl -> {
            if (!tls.caFile().isEmpty()) {
              ssl.trustManager(new File(tls.caFile()));
            }
            if (tls.hasClientCertificate()) {
              ssl.keyManager(new File(tls.certFile()), new File(tls.keyFile()));
            }
          });
    }
    return builder.build();
  }
}
