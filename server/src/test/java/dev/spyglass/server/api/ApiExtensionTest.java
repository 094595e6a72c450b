package dev.spyglass.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Endpoint;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.Extension;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.pipeline.component.Host;
import io.opentelemetry.api.metrics.MeterProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ApiExtensionTest {

  @Test
  void readyz_is503_withTheReason_untilReady() throws Exception {
    Health[] health = {Health.notReady("exporter/spyglass: replaying the write-ahead log")};
    Host host =
        new Host() {
          @Override
          public Map<ComponentId, Extension> extensions() {
            return Map.of();
          }

          @Override
          public Map<ComponentId, Exporter> exporters() {
            return Map.of();
          }

          @Override
          public Health readiness() {
            return health[0];
          }
        };
    ApiExtension api =
        new ApiExtension(
            new ComponentSettings(
                ComponentId.of("api"),
                ComponentKind.EXTENSION,
                Optional.empty(),
                LoggerFactory.getLogger("extension/api"),
                MeterProvider.noop().get("test")),
            new ApiConfig(new Endpoint("127.0.0.1", 0)),
            Optional.empty());
    api.start(host);
    try {
      HttpClient client = HttpClient.newHttpClient();
      URI readyz = URI.create("http://127.0.0.1:" + api.port() + "/readyz");

      HttpResponse<String> notReady =
          client.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body())
          .isEqualTo(
              "{\"status\":\"not ready\",\"reason\":\"exporter/spyglass: replaying the write-ahead"
                  + " log\"}");

      health[0] = Health.ok();
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      HttpResponse<String> post =
          client.send(
              HttpRequest.newBuilder(readyz).POST(HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    } finally {
      api.shutdown();
    }
  }
}
