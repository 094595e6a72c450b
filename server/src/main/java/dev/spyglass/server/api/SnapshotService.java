package dev.spyglass.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.storage.StorageComponent;
import dev.spyglass.storage.embedded.SnapshotKey;
import dev.spyglass.storage.embedded.Snapshots;
import dev.spyglass.storage.embedded.TelemetryStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * {@code POST /api/v1/admin/snapshots} with {@code {"name": "nightly-1"}} (and {@code "exporter"}
 * for a store other than the API's own): writes a consistent copy of the running store into {@code
 * <snapshots.directory>/<name>}, which must not exist yet, encrypted (ADR 0021) with the request's
 * {@code "encryption_key"} (base64 of 32 bytes) or else {@code snapshots.encryption_key_file}'s key
 * when either is given. What {@code ./spyglass snapshot create} calls.
 *
 * <p>It writes to disk, so it takes no path (a name of letters, digits, {@code . _ -}; nothing that
 * could leave the directory, no symbolic link), only {@code application/json} (a browser cannot
 * send that cross-site without a CORS preflight, which this server never grants), and no request
 * whose {@code Origin} is another site's.
 */
final class SnapshotService implements HttpService {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private final Host host;
  private final ComponentId storage;
  private final Path directory;
  private final Optional<SnapshotKey> key;
  private final Logger log;

  /**
   * Snapshots of {@code storage} unless a request names another store exporter, encrypted with
   * {@code key} unless the request brings its own {@code encryption_key}.
   */
  SnapshotService(
      Host host, ComponentId storage, Path directory, Optional<SnapshotKey> key, Logger log) {
    this.host = host;
    this.storage = storage;
    this.directory = directory.toAbsolutePath().normalize();
    this.key = key;
    this.log = log;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    MediaType type = req.contentType();
    if (type == null || !type.is(MediaType.JSON)) {
      return ApiErrors.afterBody(
          req,
          ApiErrors.of(
              HttpStatus.UNSUPPORTED_MEDIA_TYPE,
              "unsupported_media_type",
              "send the request as Content-Type: application/json"));
    }
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    if (origin != null && !sameOrigin(origin, req.authority())) {
      log.warn("refused a snapshot request from origin {} ({})", origin, ctx.remoteAddress());
      return ApiErrors.afterBody(
          req,
          ApiErrors.of(
              HttpStatus.FORBIDDEN,
              "cross_origin",
              "snapshots are not taken for another site (Origin " + origin + ")"));
    }
    ctx.clearRequestTimeout(); // copying a big store takes longer than any query
    return HttpResponse.of(
        req.aggregate()
            .thenComposeAsync(
                body ->
                    CompletableFuture.completedFuture(
                        snapshot(body.contentUtf8(), ctx.remoteAddress().toString())),
                ctx.blockingTaskExecutor()));
  }

  private static boolean sameOrigin(String origin, String authority) {
    try {
      return authority != null && authority.equalsIgnoreCase(URI.create(origin).getRawAuthority());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private HttpResponse snapshot(String body, String from) {
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (IOException e) {
      return ApiErrors.of(
          HttpStatus.BAD_REQUEST, "invalid_json", "the body must be JSON: " + e.getMessage());
    }
    if (request != null && request.has("path")) {
      return ApiErrors.of(
          HttpStatus.BAD_REQUEST,
          "path_not_accepted",
          "give a name, not a path: snapshots are written under " + directory);
    }
    String name = request == null ? "" : request.path("name").asText("");
    if (!NAME.matcher(name).matches() || name.contains("..")) {
      return ApiErrors.of(
          HttpStatus.BAD_REQUEST,
          "invalid_name",
          "a snapshot name is 1 to 100 letters, digits, '.', '_' or '-' (not starting with one"
              + " of the last three, no '..'), as {\"name\": \"nightly-1\"}; got '"
              + name
              + "'");
    }
    Optional<SnapshotKey> encryption = key;
    if (request.hasNonNull("encryption_key")) {
      try {
        encryption = Optional.of(SnapshotKey.fromBase64(request.get("encryption_key").asText()));
      } catch (IllegalArgumentException e) {
        return ApiErrors.of(
            HttpStatus.BAD_REQUEST,
            "invalid_key",
            "encryption_key must be the base64 of 32 bytes (openssl rand -base64 32): "
                + e.getMessage());
      }
    }
    Path target;
    try {
      Files.createDirectories(directory);
      Path real = directory.toRealPath(); // the configured directory is trusted, links and all
      target = real.resolve(name).normalize();
      if (!real.equals(target.getParent())) {
        return ApiErrors.of(HttpStatus.BAD_REQUEST, "invalid_name", "not a name: '" + name + "'");
      }
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        // A directory, a file or a symbolic link (which could lead anywhere): never written to.
        return ApiErrors.of(
            HttpStatus.CONFLICT,
            "snapshot_exists",
            "'" + name + "' exists already in " + real + "; choose another name");
      }
    } catch (IOException e) {
      return ApiErrors.of(
          HttpStatus.INTERNAL_SERVER_ERROR, "snapshot_failed", "snapshots directory: " + e);
    }
    TelemetryStore store;
    try {
      store = store(request.path("exporter").asText(""));
    } catch (IllegalArgumentException e) {
      return ApiErrors.of(HttpStatus.NOT_FOUND, "no_store", e.getMessage());
    }
    try {
      Snapshots.Snapshot snapshot = store.snapshot(target, encryption);
      log.info(
          "snapshot '{}' written to {}{} (requested from {})",
          name,
          target,
          encryption.map(k -> ", encrypted with key " + k.id()).orElse(""),
          from);
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("name", name);
      answer.put("path", snapshot.path().toString());
      answer.put("partitions", snapshot.partitions());
      answer.put("checkpoint", snapshot.checkpoint());
      answer.put("wal_bytes", snapshot.walBytes());
      answer.put("encrypted", encryption.isPresent());
      encryption.ifPresent(k -> answer.put("key_id", k.id()));
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
    if (found.get() instanceof dev.spyglass.storage.embedded.TenantStores tenants) {
      // A snapshot of the caller's tenant: what its token may read.
      String tenant =
          TenantScope.current()
              .orElseThrow(() -> new IllegalArgumentException("no tenant for this snapshot"));
      return tenants
          .storeOf(tenant)
          .orElseThrow(() -> new IllegalArgumentException("tenant " + tenant + " has no data"));
    }
    if (!(found.get() instanceof TelemetryStore embedded)) {
      throw new IllegalArgumentException(
          "'" + id + "' is not the embedded store; snapshots are the embedded store's");
    }
    return embedded;
  }
}
