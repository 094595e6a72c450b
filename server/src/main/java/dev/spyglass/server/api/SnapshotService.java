package dev.spyglass.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.storage.StorageComponent;
import dev.spyglass.storage.embedded.Snapshots;
import dev.spyglass.storage.embedded.TelemetryStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/v1/admin/snapshots} with {@code {"path": "/abs/dir"}} (and {@code "exporter"}
 * for a store other than the API's own): writes a consistent copy of the running store into the
 * directory, which must be absent or empty. What {@code ./spyglass snapshot create} calls.
 */
final class SnapshotService implements HttpService {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Host host;
  private final ComponentId storage;

  /** Snapshots of {@code storage} unless a request names another store exporter. */
  SnapshotService(Host host, ComponentId storage) {
    this.host = host;
    this.storage = storage;
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
    TelemetryStore store;
    try {
      store = store(request.path("exporter").asText(""));
    } catch (IllegalArgumentException e) {
      return ApiErrors.of(HttpStatus.NOT_FOUND, "no_store", e.getMessage());
    }
    try {
      Snapshots.Snapshot snapshot = store.snapshot(target);
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

  /** The embedded store of the named exporter, or of the API's store. */
  private TelemetryStore store(String exporter) {
    ComponentId id;
    try {
      id = exporter.isBlank() ? storage : ComponentId.parse(exporter);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("exporter: " + e.getMessage());
    }
    Optional<StorageComponent> found = ApiExtension.storage(host, id);
    if (found.isEmpty()) {
      throw new IllegalArgumentException(
          "no open store exporter '" + id + "' (exporters: " + host.exporters().keySet() + ")");
    }
    if (!(found.get() instanceof TelemetryStore embedded)) {
      throw new IllegalArgumentException(
          "'" + id + "' is not the embedded store; snapshots are the embedded store's");
    }
    return embedded;
  }
}
