package dev.spyglass.pipeline.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a server and a client certificate it signed, made with
 * {@code openssl} in a directory: {@code ca.crt}, {@code server.crt}/{@code server.key} (for
 * 127.0.0.1 and localhost) and {@code client.crt}/{@code client.key}.
 */
public final class TestCertificates {
  private TestCertificates() {}

  public static void make(Path dir) throws IOException, InterruptedException {
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-subj",
        "/CN=spyglass-test-ca",
        "-days",
        "2");
    for (String name : List.of("server", "client")) {
      sign(dir, name, "/CN=" + name);
    }
  }

  /**
   * Another client certificate, {@code <name>.crt}/{@code <name>.key}, with {@code subject} (as
   * {@code /CN=ops/O=Example}), signed by the CA {@link #make} made in {@code dir}.
   */
  public static void makeClient(Path dir, String name, String subject)
      throws IOException, InterruptedException {
    sign(dir, name, subject);
  }

  private static void sign(Path dir, String name, String subject)
      throws IOException, InterruptedException {
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr",
        "-subj",
        subject);
    Files.writeString(
        dir.resolve(name + ".ext"),
        name.equals("server")
            ? "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
            : "extendedKeyUsage=clientAuth\n");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        name + ".crt",
        "-days",
        "2",
        "-extfile",
        name + ".ext");
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("openssl " + args[0] + " failed: " + output);
    }
  }
}
