package dev.spyglass.storage.opensearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS in front of a plain-HTTP OpenSearch node, as a load balancer or the security plugin puts it
 * there: the JDK's TLS with the certificates of {@code TestCertificates}, bytes passed through.
 */
final class TlsProxy implements AutoCloseable {
  private final SSLServerSocket server;
  private final int target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  private TlsProxy(SSLServerSocket server, int target) {
    this.server = server;
    this.target = target;
    Thread.ofPlatform().daemon().name("tls-proxy").start(this::accept);
  }

  /**
   * Listens on a free loopback port with {@code certs}' {@code server.crt}; when {@code
   * clientCertificates}, clients must show a certificate {@code ca.crt} signed.
   */
  static TlsProxy start(Path certs, boolean clientCertificates, int target) throws Exception {
    Process export =
        new ProcessBuilder(
                "openssl",
                "pkcs12",
                "-export",
                "-in",
                "server.crt",
                "-inkey",
                "server.key",
                "-out",
                "server.p12",
                "-passout",
                "pass:secret")
            .directory(certs.toFile())
            .redirectErrorStream(true)
            .start();
    export.getInputStream().readAllBytes();
    if (export.waitFor() != 0) {
      throw new IOException("openssl pkcs12 failed");
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(certs.resolve("server.p12"))) {
      keys.load(in, "secret".toCharArray());
    }
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, "secret".toCharArray());
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certs.resolve("ca.crt"))) {
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    SSLServerSocket server =
        (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    server.setNeedClientAuth(clientCertificates);
    return new TlsProxy(server, target);
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException closedOrRefused) {
        // the next connection
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              byte[] buffer = new byte[64 << 10];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException ended) {
                // a failed handshake or a closed connection: close both ends
              } finally {
                close(from);
                close(to);
              }
            });
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(TlsProxy::close);
  }
}
