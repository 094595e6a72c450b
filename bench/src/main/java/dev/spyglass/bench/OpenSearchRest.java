package dev.spyglass.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few OpenSearch REST calls the benchmark makes itself, as a direct user of it would. */
final class OpenSearchRest {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String url;

  OpenSearchRest(String url) {
    this.url = url;
  }

  /** A JSON request; fails on any status but 2xx. */
  JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
    HttpResponse<String> answer = send(method, path, body, "application/json");
    if (answer.statusCode() / 100 != 2) {
      throw new IOException(
          method + " " + path + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return JSON.readTree(answer.body());
  }

  /** A raw request; the answer whatever its status. */
  HttpResponse<String> send(String method, String path, String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    return http.send(
        HttpRequest.newBuilder(URI.create(url + path))
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", contentType)
            .method(method, publisher)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code _bulk} of a prepared NDJSON body; fails unless every item was indexed. */
  void bulk(byte[] body) throws IOException, InterruptedException {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/_bulk"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IOException("_bulk answered " + answer.statusCode() + ": " + answer.body());
    }
    if (JSON.readTree(answer.body()).path("errors").asBoolean()) {
      throw new IOException("_bulk refused items: " + answer.body().substring(0, 2000));
    }
  }

  /** Documents in {@code indices} that a search sees now. */
  long count(String indices) throws IOException, InterruptedException {
    HttpResponse<String> answer = send("GET", "/" + indices + "/_count", null, "application/json");
    if (answer.statusCode() == 404) {
      return 0;
    }
    return JSON.readTree(answer.body()).path("count").asLong();
  }

  /** Waits until {@code indices} count {@code expected} documents; the seconds it took. */
  double awaitCount(String indices, long expected) throws IOException, InterruptedException {
    long started = System.nanoTime();
    long deadline = started + 600_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (count(indices) >= expected) {
        return (System.nanoTime() - started) / 1e9;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        indices + " did not reach " + expected + " documents within 600 s");
  }

  /**
   * Bytes the primary shards of {@code indices} take on disk once merged to one segment each (both
   * sides measured in the same state), and their document count.
   */
  long[] mergedStore(String indices) throws IOException, InterruptedException {
    call("POST", "/" + indices + "/_refresh", null);
    call("POST", "/" + indices + "/_forcemerge?max_num_segments=1", null);
    // The merged segment replaces the old ones once a refresh opens it and the flush commits it.
    call("POST", "/" + indices + "/_refresh", null);
    call("POST", "/" + indices + "/_flush", null);
    // Right after a force merge the store statistics can still describe the shard without its
    // merged segment (a few hundred bytes for 100,000 documents): read them until they settle.
    long deadline = System.nanoTime() + 60_000_000_000L;
    long[] store;
    do {
      JsonNode primaries =
          call("GET", "/" + indices + "/_stats/store,docs", null).path("_all").path("primaries");
      store =
          new long[] {
            primaries.path("store").path("size_in_bytes").asLong(),
            primaries.path("docs").path("count").asLong()
          };
      if (store[0] >= store[1]) {
        return store;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    return store;
  }

  /**
   * Where the node's time went so far: indexing, merging, refreshing (milliseconds) and searches
   * answered, from {@code _nodes/_local/stats}.
   */
  long[] work() throws IOException, InterruptedException {
    JsonNode indices =
        call("GET", "/_nodes/_local/stats/indices", null).path("nodes").elements().next();
    indices = indices.path("indices");
    return new long[] {
      indices.path("indexing").path("index_time_in_millis").asLong(),
      indices.path("merges").path("total_time_in_millis").asLong(),
      indices.path("refresh").path("total_time_in_millis").asLong(),
      indices.path("search").path("query_total").asLong()
    };
  }

  /** {@code after - before} of {@link #work()}, as words. */
  static String describe(long[] before, long[] after) {
    return "indexing %.1f s, merging %.1f s, refreshing %.1f s, %d searches"
        .formatted(
            (after[0] - before[0]) / 1000.0,
            (after[1] - before[1]) / 1000.0,
            (after[2] - before[2]) / 1000.0,
            after[3] - before[3]);
  }
}
