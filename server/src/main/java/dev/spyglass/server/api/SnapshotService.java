package dev.spyglass.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.Exporter;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.storage.Snapshots;
import dev.spyglass.storage.StoreHolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/v1/admin/snapshots} with {@code {"path": "/abs/dir"}} (and {@code "exporter"}
 * when there are several stores): writes a consistent copy of the running store into the directory,
 * which must be absent or empty. What {@code ./spyglass snapshot create} calls.
 */
final class SnapshotService implements HttpService {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Host host;

  SnapshotService(Host host) {
    this.host = host;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    return HttpResponse.of(
        req.aggregate()
            .thenComposeAsync(
                body -> CompletableFuture.completedFuture(snapshot(body.contentUtf8())),
                ctx.blockingTaskExecutor()));
  }

  private HttpResponse snapshot(String body) {
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (IOException e) {
      return ApiErrors.of(
          HttpStatus.BAD_REQUEST, "invalid_json", "the body must be JSON: " + e.getMessage());
    }
    if (request == null
        || !request.path("path").isTextual()
        || request.path("path").asText().isBlank()) {
      return ApiErrors.of(
          HttpStatus.BAD_REQUEST,
          "missing_path",
          "give the target directory as {\"path\": \"/abs/dir\"}");
    }
    Path target = Path.of(request.path("path").asText());
    if (!target.isAbsolute()) {
      return ApiErrors.of(
          HttpStatus.BAD_REQUEST, "relative_path", "the path must be absolute: " + target);
    }
    StoreHolder store;
    try {
      store = store(request.path("exporter").asText(""));
    } catch (IllegalArgumentException e) {
      return ApiErrors.of(HttpStatus.NOT_FOUND, "no_store", e.getMessage());
    }
    try {
      Snapshots.Snapshot snapshot = store.store().snapshot(target);
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("path", snapshot.path().toString());
      answer.put("partitions", snapshot.partitions());
      answer.put("checkpoint", snapshot.checkpoint());
      answer.put("wal_bytes", snapshot.walBytes());
      return HttpResponse.ofJson(answer);
    } catch (IOException e) {
      return ApiErrors.of(HttpStatus.BAD_REQUEST, "snapshot_failed", e.getMessage());
    }
  }

  private StoreHolder store(String exporter) {
    Map<ComponentId, StoreHolder> stores = new LinkedHashMap<>();
    for (Map.Entry<ComponentId, Exporter> entry : host.exporters().entrySet()) {
      if (entry.getValue() instanceof StoreHolder holder) {
        stores.put(entry.getKey(), holder);
      }
    }
    if (!exporter.isEmpty()) {
      StoreHolder named = stores.get(ComponentId.parse(exporter));
      if (named == null) {
        throw new IllegalArgumentException(
            "no store exporter '" + exporter + "'; stores: " + stores.keySet());
      }
      return named;
    }
    if (stores.size() != 1) {
      throw new IllegalArgumentException(
          stores.isEmpty()
              ? "no pipeline exports to a store (exporter 'spyglass')"
              : "several stores " + stores.keySet() + ": name one with \"exporter\"");
    }
    return stores.values().iterator().next();
  }
}
