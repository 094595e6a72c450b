package dev.spyglass.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.testing.TestCertificates;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.logs.TestLogRecordData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mTLS from PEM files, as configured with {@code tls.cert_file}, {@code tls.key_file} and
 * {@code tls.client_ca_file}; the OTel Java SDK exporters are the clients. Certificates are made
 * with {@code openssl} for each run.
 */
class TlsTest {
  @TempDir static Path certs;

  @BeforeAll
  static void makeCertificates() throws Exception {
    TestCertificates.make(certs);
  }

  private static String file(String name) {
    return certs.resolve(name).toString();
  }

  private static byte[] bytes(String name) throws IOException {
    return Files.readAllBytes(certs.resolve(name));
  }

  private static boolean export(LogRecordExporter exporter) {
    LogRecordData record =
        TestLogRecordData.builder()
            .setResource(Resource.empty())
            .setInstrumentationScopeInfo(InstrumentationScopeInfo.create("tls"))
            .setBody("over TLS")
            .setAttributes(Attributes.empty())
            .setTimestamp(1, TimeUnit.SECONDS)
            .build();
    CompletableResultCode result = exporter.export(List.of(record));
    boolean ok = result.join(15, TimeUnit.SECONDS).isSuccess();
    exporter.shutdown().join(5, TimeUnit.SECONDS);
    return ok;
  }

  @Test
  void tls_servesGrpcAndHttp_toClientsThatTrustTheCa() throws Exception {
    TlsSettings tls = new TlsSettings(file("server.crt"), file("server.key"), null);
    try (ReceiverHarness receiver =
        ReceiverHarness.start(
            new GrpcSettings(ReceiverHarness.free(), null, null, tls, null),
            new HttpSettings(ReceiverHarness.free(), null, null, tls, null, null))) {
      assertThat(
              export(
                  OtlpGrpcLogRecordExporter.builder()
                      .setEndpoint("https://127.0.0.1:" + receiver.grpcPort())
                      .setTrustedCertificates(bytes("ca.crt"))
                      .build()))
          .isTrue();
      assertThat(
              export(
                  OtlpHttpLogRecordExporter.builder()
                      .setEndpoint("https://127.0.0.1:" + receiver.httpPort() + "/v1/logs")
                      .setTrustedCertificates(bytes("ca.crt"))
                      .build()))
          .isTrue();
      assertThat(receiver.received).hasSize(2);

      // A client that does not trust the CA cannot send.
      assertThat(
              export(
                  OtlpHttpLogRecordExporter.builder()
                      .setEndpoint("https://127.0.0.1:" + receiver.httpPort() + "/v1/logs")
                      .build()))
          .isFalse();
      assertThat(receiver.received).hasSize(2);
    }
  }

  @Test
  void mtls_refusesClientsWithoutACertificateSignedByTheClientCa() throws Exception {
    TlsSettings tls = new TlsSettings(file("server.crt"), file("server.key"), file("ca.crt"));
    try (ReceiverHarness receiver =
        ReceiverHarness.start(
            new GrpcSettings(ReceiverHarness.free(), null, null, tls, null), null)) {
      String endpoint = "https://127.0.0.1:" + receiver.grpcPort();

      assertThat(
              export(
                  OtlpGrpcLogRecordExporter.builder()
                      .setEndpoint(endpoint)
                      .setTrustedCertificates(bytes("ca.crt"))
                      .setTimeout(5, TimeUnit.SECONDS)
                      .build()))
          .isFalse();
      assertThat(receiver.received).isEmpty();

      assertThat(
              export(
                  OtlpGrpcLogRecordExporter.builder()
                      .setEndpoint(endpoint)
                      .setTrustedCertificates(bytes("ca.crt"))
                      .setClientTls(bytes("client.key"), bytes("client.crt"))
                      .build()))
          .isTrue();
      assertThat(receiver.received).hasSize(1);
    }
  }
}
