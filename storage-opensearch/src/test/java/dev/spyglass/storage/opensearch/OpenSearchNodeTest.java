package dev.spyglass.storage.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class OpenSearchNodeTest {
  @Test
  void aNodeStarts_asAnUnprivilegedUser_andAnswers() throws Exception {
    try (OpenSearchNode node = OpenSearchNode.start()) {
      String root =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(node.url())).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(root).contains("\"number\" : \"3.8.0\"");
    }
  }
}
