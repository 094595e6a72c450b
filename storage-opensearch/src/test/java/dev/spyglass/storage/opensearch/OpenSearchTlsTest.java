package dev.spyglass.storage.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.pipeline.testing.TestCertificates;
import dev.spyglass.storage.Otlp;
import dev.spyglass.storage.SearchRequest;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code http.tls} against a real OpenSearch node behind TLS (the JDK's TLS in front of it, as a
 * load balancer would be): a private CA through {@code ca_file}, an untrusted certificate refused
 * and said in the health, {@code insecure_skip_verify}, and a client certificate where the cluster
 * asks for one.
 */
class OpenSearchTlsTest {
  private static OpenSearchNode node;
  private static Path certs;
  private static TlsProxy tls;
  private static TlsProxy mutualTls;
  private static int prefixes;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    node = OpenSearchNode.start();
    certs = Files.createTempDirectory("spyglass-tls-");
    TestCertificates.make(certs);
    tls = TlsProxy.start(certs, false, node.httpPort);
    mutualTls = TlsProxy.start(certs, true, node.httpPort);
  }

  @AfterAll
  static void stop() throws Exception {
    tls.close();
    mutualTls.close();
    node.close();
    try (Stream<Path> files = Files.walk(certs)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private OpenSearchConfig config(int port, OpenSearchConfig.Tls settings) {
    String prefix = "tls" + (++prefixes);
    return new OpenSearchConfig(
        new OpenSearchConfig.Http(
            "https://127.0.0.1:" + port, List.of(), "", "", "", Duration.ofSeconds(5), settings),
        dir.toString(),
        prefix + "-logs",
        prefix + "-traces",
        prefix + "-metrics",
        1,
        0,
        Duration.ofMillis(100),
        new OpenSearchConfig.Bulk(500, 8),
        16);
  }

  private static String file(String name) {
    return certs.resolve(name).toString();
  }

  /** Writes one record; whether it reached OpenSearch (and reads back) within {@code wait}. */
  private static boolean shipsAndReads(OpenSearchConfig config, Duration wait) throws Exception {
    config.validate();
    try (OpenSearchStore store =
        OpenSearchStore.open(
            config, LoggerFactory.getLogger("test"), MeterProvider.noop().get(""))) {
      store
          .consume(
              Otlp.logs(
                  "checkout", Otlp.log(Otlp.T0, SeverityNumber.SEVERITY_NUMBER_INFO, "over tls")))
          .get();
      if (!store.awaitShipped(wait)) {
        assertThat(store.check().reason()).startsWith("OpenSearch: ");
        return false;
      }
      // Searchable from the next refresh on (100 ms), read over TLS as well.
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  store
                          .reader()
                          .search(
                              SearchRequest.of(
                                  Signal.LOGS,
                                  "body:tls",
                                  Otlp.T0 - Otlp.DAY,
                                  Otlp.T0 + Otlp.DAY,
                                  10))
                          .total()
                      == 1);
      return true;
    }
  }

  @Test
  void aPrivateCa_inCaFile_isTrusted() throws Exception {
    assertThat(
            shipsAndReads(
                config(tls.port(), new OpenSearchConfig.Tls(file("ca.crt"), false, "", "")),
                Duration.ofSeconds(30)))
        .isTrue();
  }

  @Test
  void aCertificateNoTrustedCaSigned_isRefused_andTheHealthSaysWhy() throws Exception {
    OpenSearchConfig config = config(tls.port(), OpenSearchConfig.Tls.DEFAULT);
    try (OpenSearchStore store =
        OpenSearchStore.open(
            config, LoggerFactory.getLogger("test"), MeterProvider.noop().get(""))) {
      store
          .consume(
              Otlp.logs("checkout", Otlp.log(Otlp.T0, SeverityNumber.SEVERITY_NUMBER_INFO, "x")))
          .get(); // acknowledged: it is in the local log, and waits there
      assertThat(store.awaitShipped(Duration.ofSeconds(3))).isFalse();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(store.check().reason()).containsIgnoringCase("certification path"));
    }
  }

  @Test
  void insecureSkipVerify_acceptsAnyCertificate() throws Exception {
    assertThat(
            shipsAndReads(
                config(tls.port(), new OpenSearchConfig.Tls("", true, "", "")),
                Duration.ofSeconds(30)))
        .isTrue();
  }

  @Test
  void aClusterThatAsksForAClientCertificate_isReached_withCertFileAndKeyFile() throws Exception {
    assertThat(
            shipsAndReads(
                config(
                    mutualTls.port(),
                    new OpenSearchConfig.Tls(
                        file("ca.crt"), false, file("client.crt"), file("client.key"))),
                Duration.ofSeconds(30)))
        .isTrue();
    // Without the client certificate the cluster refuses the connection: a read says so. (Not
    // through shipsAndReads: whether its one record counts as shipped yet is a race.)
    OpenSearchConfig noCertificate =
        config(mutualTls.port(), new OpenSearchConfig.Tls(file("ca.crt"), false, "", ""));
    noCertificate.validate();
    try (OpenSearchStore store =
        OpenSearchStore.open(
            noCertificate, LoggerFactory.getLogger("test"), MeterProvider.noop().get(""))) {
      assertThatThrownBy(
              () ->
                  store
                      .reader()
                      .search(
                          SearchRequest.of(
                              Signal.LOGS, "body:tls", Otlp.T0 - Otlp.DAY, Otlp.T0 + Otlp.DAY, 10)))
          .hasStackTraceContaining("certificate");
    }
  }

  @Test
  void tlsSettings_areChecked_withTheKeyToFix() {
    assertThatThrownBy(
            () ->
                config(tls.port(), new OpenSearchConfig.Tls("", false, file("client.crt"), ""))
                    .validate())
        .isInstanceOf(InvalidConfigException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigException) e).path())
                    .containsExactly("http", "tls", "key_file"))
        .hasMessageContaining("is required with http.tls.cert_file");
    assertThatThrownBy(
            () ->
                config(tls.port(), new OpenSearchConfig.Tls("/nonexistent/ca.pem", false, "", ""))
                    .validate())
        .isInstanceOf(InvalidConfigException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigException) e).path())
                    .containsExactly("http", "tls", "ca_file"))
        .hasMessageContaining("cannot read file '/nonexistent/ca.pem'");
  }
}
