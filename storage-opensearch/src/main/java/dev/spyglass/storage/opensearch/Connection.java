package dev.spyglass.storage.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * The cluster, through the official {@code opensearch-java} client: JSON in, JSON out, with the
 * HTTP status, so that callers tell a refused document from an overloaded cluster.
 */
final class Connection implements Closeable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** An answer: the HTTP status and the parsed body (empty object when there is none). */
  record Answer(int status, JsonNode body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** OpenSearch's own reason, for errors and logs. */
    String reason() {
      JsonNode error = body.path("error");
      if (error.isTextual()) {
        return error.asText();
      }
      String type = error.path("type").asText("");
      String why = error.path("reason").asText("");
      return type.isEmpty() && why.isEmpty() ? "HTTP " + status : type + ": " + why;
    }
  }

  private final ApacheHttpClient5Transport transport;
  private final OpenSearchGenericClient generic;
  private final int hosts;

  Connection(OpenSearchConfig.Http http) {
    URI endpoint = URI.create(http.endpoint());
    // Every node given: the client fails over between them when one does not answer.
    HttpHost[] hosts =
        http.all().stream()
            .map(URI::create)
            .map(uri -> new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort()))
            .toArray(HttpHost[]::new);
    ApacheHttpClient5TransportBuilder builder =
        ApacheHttpClient5TransportBuilder.builder(hosts).setMapper(new JacksonJsonpMapper(JSON));
    if (endpoint.getPath() != null
        && !endpoint.getPath().isBlank()
        && !endpoint.getPath().equals("/")) {
      builder.setPathPrefix(endpoint.getPath());
    }
    if (!http.bearerToken().isEmpty()) {
      builder.setDefaultHeaders(
          new BasicHeader[] {new BasicHeader("Authorization", "Bearer " + http.bearerToken())});
    } else if (!http.username().isEmpty()) {
      String basic =
          Base64.getEncoder()
              .encodeToString(
                  (http.username() + ":" + http.password())
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      builder.setDefaultHeaders(
          new BasicHeader[] {new BasicHeader("Authorization", "Basic " + basic)});
    }
    if (http.all().stream().anyMatch(url -> url.startsWith("https:"))) {
      TlsStrategy tls = TlsContext.of(http.tls()).strategy();
      builder.setHttpClientConfigCallback(
          client ->
              client.setConnectionManager(
                  PoolingAsyncClientConnectionManagerBuilder.create().setTlsStrategy(tls).build()));
    }
    builder.setRequestConfigCallback(
        config ->
            config.setResponseTimeout(
                org.apache.hc.core5.util.Timeout.ofMilliseconds(http.timeout().toMillis())));
    this.hosts = hosts.length;
    this.transport = builder.build();
    this.generic = new OpenSearchClient(transport).generic();
  }

  /** Sends a request with a JSON (or NDJSON, for {@code _bulk}) body; {@code body} may be null. */
  Answer send(String method, String endpoint, Map<String, String> query, byte[] body, String type)
      throws IOException {
    Requests.JsonBodyBuilder request = Requests.builder().method(method).endpoint(endpoint);
    if (!query.isEmpty()) {
      request.query(query);
    }
    if (body != null) {
      request.body(Body.from(body, type));
    }
    try (Response response = execute(request.build())) {
      JsonNode parsed = JSON.createObjectNode();
      if (response.getBody().isPresent()) {
        try (InputStream in = response.getBody().get().body()) {
          byte[] bytes = in.readAllBytes();
          if (bytes.length > 0) {
            try {
              parsed = JSON.readTree(bytes);
            } catch (IOException e) {
              parsed =
                  JSON.createObjectNode()
                      .put("error", new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            }
          }
        }
      }
      return new Answer(response.getStatus(), parsed);
    } catch (org.opensearch.client.transport.httpclient5.ResponseException e) {
      // The transport answers 502-504 (no shard available, a node away) with an exception.
      ObjectNode error = JSON.createObjectNode();
      error.putObject("error").put("type", "unavailable").put("reason", e.getMessage());
      return new Answer(e.status(), error);
    }
  }

  /**
   * Executes {@code request}; a node that refuses the connection (down) is skipped for the next, up
   * to every node once — the transport goes round the nodes, but does not itself retry a request
   * whose node refused it.
   */
  private Response execute(org.opensearch.client.opensearch.generic.Request request)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return generic.execute(request);
      } catch (IOException e) {
        if (attempt >= hosts || !refused(e)) {
          throw e;
        }
      }
    }
  }

  private static boolean refused(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.ConnectException) {
        return true;
      }
    }
    return false;
  }

  Answer json(String method, String endpoint, Object body) throws IOException {
    return send(
        method,
        endpoint,
        Map.of(),
        body == null ? null : JSON.writeValueAsBytes(body),
        "application/json");
  }

  Answer json(String method, String endpoint, Map<String, String> query, Object body)
      throws IOException {
    return send(
        method,
        endpoint,
        query,
        body == null ? null : JSON.writeValueAsBytes(body),
        "application/json");
  }

  /** The names of the indices matching {@code pattern}; none when there are none. */
  List<String> indices(String pattern) throws IOException {
    Answer answer =
        send(
            "GET",
            "/_cat/indices/" + pattern,
            Map.of("format", "json", "h", "index", "expand_wildcards", "open"),
            null,
            "");
    if (answer.status() == 404) {
      return List.of();
    }
    if (!answer.ok()) {
      throw new IOException("listing indices " + pattern + ": " + answer.reason());
    }
    java.util.ArrayList<String> names = new java.util.ArrayList<>();
    answer.body().forEach(row -> names.add(row.path("index").asText()));
    names.sort(null);
    return names;
  }

  @Override
  public void close() throws IOException {
    transport.close();
  }
}
