package dev.spyglass.storage.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.storage.Otlp;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * OpenSearch fully down for 30 s while records keep coming: every acknowledged record is kept in
 * the local log and found once the cluster is back; new records are refused (retryable) only once
 * the unshipped bound is reached.
 */
class OpenSearchOutageTest {
  @TempDir Path dir;

  @Test
  void anOutage_losesNothingAcknowledged_refusesOnlyPastTheBound_andDrainsByItself()
      throws Exception {
    try (OpenSearchNode node = OpenSearchNode.start()) {
      OpenSearchConfig config =
          new OpenSearchConfig(
              new OpenSearchConfig.Http(node.url(), "", "", "", Duration.ofSeconds(5)),
              dir.toString(),
              "o-logs",
              "o-traces",
              "o-metrics",
              1,
              0,
              Duration.ofMillis(200),
              new OpenSearchConfig.Bulk(5000, 8),
              1); // 1 MiB unshipped: the bound is reached within the outage
      long acknowledged = 0;
      long refused = 0;
      long takenBeforeFirstRefusal = -1;
      long takenDuring = 0;
      String firstRefusal = "";
      String padding = "x".repeat(2000);
      try (OpenSearchStore store =
          OpenSearchStore.open(
              config, LoggerFactory.getLogger("store"), MeterProvider.noop().get("t"))) {
        int sent = 0;
        for (int i = 0; i < 50; i++) {
          store
              .consume(
                  Otlp.logs(
                      "svc",
                      Otlp.log(
                          Otlp.T0 + sent++,
                          SeverityNumber.SEVERITY_NUMBER_INFO,
                          "before " + padding)))
              .join();
          acknowledged++;
        }
        node.stop();
        long downUntil = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < downUntil) {
          try {
            store
                .consume(
                    Otlp.logs(
                        "svc",
                        Otlp.log(
                            Otlp.T0 + sent++,
                            SeverityNumber.SEVERITY_NUMBER_INFO,
                            "during " + padding)))
                .join();
            acknowledged++;
            takenDuring++;
          } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(RetryableException.class);
            assertThat(e.getCause().getMessage()).contains("OpenSearch is behind");
            if (refused++ == 0) {
              takenBeforeFirstRefusal = takenDuring;
              firstRefusal = e.getCause().getMessage();
            }
            Thread.sleep(100);
          }
        }
        assertThat(refused).isPositive();
        // Refused only once the bound was reached: past 1 MiB unconfirmed, most of it taken during.
        int requestBytes =
            Otlp.logs(
                    "svc",
                    Otlp.log(Otlp.T0, SeverityNumber.SEVERITY_NUMBER_INFO, "during " + padding))
                .request()
                .getSerializedSize();
        assertThat(firstRefusal).startsWith("OpenSearch is behind: 1 MiB acknowledged");
        assertThat((takenBeforeFirstRefusal + 50) * requestBytes).isGreaterThan(900_000L);
        node.restart();
        assertThat(store.awaitShipped(Duration.ofSeconds(90))).isTrue();
        // Taken again once it drained.
        store
            .consume(
                Otlp.logs(
                    "svc", Otlp.log(Otlp.T0 + sent, SeverityNumber.SEVERITY_NUMBER_INFO, "after")))
            .join();
        acknowledged++;
        assertThat(store.awaitShipped(Duration.ofSeconds(30))).isTrue();
        assertThat(store.check().ready()).isTrue();
      }
      HttpClient http = HttpClient.newHttpClient();
      http.send(
          HttpRequest.newBuilder(URI.create(node.url() + "/o-logs-*/_refresh"))
              .POST(HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.discarding());
      String count =
          http.send(
                  HttpRequest.newBuilder(URI.create(node.url() + "/o-logs-*/_count")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(Connection.JSON.readTree(count).path("count").asLong()).isEqualTo(acknowledged);
    }
  }
}
