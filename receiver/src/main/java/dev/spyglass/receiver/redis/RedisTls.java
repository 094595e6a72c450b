package dev.spyglass.receiver.redis;

import dev.spyglass.pipeline.component.InvalidConfigException;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/** Client TLS from PEM files, parsed by Netty (already here for Armeria) into a JDK context. */
final class RedisTls {
  private RedisTls() {}

  static SSLSocketFactory socketFactory(RedisReceiverConfig.Tls tls) {
    SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
    if (tls.insecureSkipVerify()) {
      builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
    } else if (tls.caFile() != null) {
      builder.trustManager(new File(tls.caFile()));
    }
    if (tls.certFile() != null) {
      builder.keyManager(new File(tls.certFile()), new File(tls.keyFile()));
    }
    try {
      return ((JdkSslContext) builder.build()).context().getSocketFactory();
    } catch (SSLException | IllegalArgumentException e) {
      throw new InvalidConfigException("tls", "cannot use the certificates: " + e.getMessage());
    }
  }
}
