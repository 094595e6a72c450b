package dev.spyglass.server.api;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Extension;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.pipeline.component.Host;
import dev.spyglass.query.QueryApi;
import dev.spyglass.server.telemetry.SelfTelemetry;
import dev.spyglass.storage.StorageComponent;
import dev.spyglass.storage.StorageProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Hosts the HTTP API: {@code GET /healthz} (alive), {@code GET /readyz} (ready to serve), and
 * {@code POST /api/v1/admin/snapshots} (a consistent copy of the running store).
 */
final class ApiExtension implements Extension {
  private final ComponentSettings settings;
  private final ApiConfig config;
  private final Optional<SelfTelemetry> selfTelemetry;
  private Server server;

  ApiExtension(
      ComponentSettings settings, ApiConfig config, Optional<SelfTelemetry> selfTelemetry) {
    this.settings = settings;
    this.config = config;
    this.selfTelemetry = selfTelemetry;
  }

  @Override
  public void start(Host host) {
    ServerBuilder builder = Server.builder();
    ComponentId storageId = config.storageId().orElse(ApiConfig.DEFAULT_STORAGE);
    java.util.function.Supplier<Optional<StorageComponent>> store = () -> storage(host, storageId);
    QueryApi.addTo(
        builder,
        // Every read of a request goes through here: one tenant's data in a multi-tenant store.
        () -> store.get().map(TenantScope::reader),
        config.queryTimeout(),
        settings.meter());
    dev.spyglass.query.alerts.AlertsApi.addTo(
        builder,
        () ->
            host.extensions().values().stream()
                .filter(dev.spyglass.server.alerts.AlertsExtension.class::isInstance)
                .map(dev.spyglass.server.alerts.AlertsExtension.class::cast)
                .findFirst()
                .flatMap(dev.spyglass.server.alerts.AlertsExtension::alerts)
                // Rules run on the default tenant's data: their alerts are that tenant's only.
                .filter(alerts -> alertsVisible(store.get())));
    if (!WebUi.addTo(builder)) {
      settings.logger().warn("this build has no web UI (module ui); the API is served alone");
    }
    dev.spyglass.receiver.otlp.TlsSettings.listen(
        builder, config.endpoint().socketAddress(), config.tls());
    builder
        // Long query strings reach the query guard and get a JSON 400, not a dropped socket.
        .http1MaxInitialLineLength(2 << 20)
        .http2MaxHeaderListSize(2 << 20)
        .service(get("/healthz"), (ctx, req) -> HttpResponse.ofJson(Map.of("status", "ok")))
        .service(get("/readyz"), (ctx, req) -> readiness(host.readiness()))
        .service(
            Route.builder().path("/api/v1/admin/snapshots").methods(HttpMethod.POST).build(),
            new SnapshotService(
                host,
                storageId,
                Path.of(config.snapshots().directory()),
                config.snapshots().key(),
                settings.logger()))
        // Above the query deadline, so a slow read answers with its partial JSON, never with the
        // HTTP server's own plain-text timeout.
        .requestTimeout(config.queryTimeout().plusSeconds(5))
        // Reads run on this pool only: at most max_concurrent_queries at once, whatever arrives.
        .blockingTaskExecutor(config.queryThreads())
        .gracefulShutdownTimeout(Duration.ZERO, Duration.ofSeconds(2));
    selfTelemetry.ifPresent(
        telemetry -> builder.service(get("/metrics"), (ctx, req) -> prometheusText(telemetry)));
    // Decorators added later run first: authentication, then the tenant it allows.
    builder.decorator(new TenantScope(store, settings.logger()));
    if (config.auth() != null) {
      builder.decorator(new ApiAuthenticator(config.auth(), settings.logger(), settings.meter()));
    } else if (!config.loopback()
        && (config.tls() == null || !config.tls().requiresClientCertificates())) {
      settings
          .logger()
          .warn(
              "insecure: true — the API on {} answers anyone who can reach it, without a token",
              config.endpoint().socketAddress());
    }
    builder.decorator(new RequestDurations(settings.meter()));
    server = builder.build();
    server.start().join();
    settings
        .logger()
        .info(
            "API listening on {}://{}:{}",
            config.tls() == null ? "http" : "https",
            server.activePort().localAddress().getHostString(),
            server.activeLocalPort());
  }

  @Override
  public void shutdown() {
    if (server != null) {
      server.stop().join();
    }
  }

  private static HttpResponse prometheusText(SelfTelemetry telemetry) {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    try {
      telemetry.writePrometheusText(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HttpResponse.of(
        HttpStatus.OK, MediaType.parse(SelfTelemetry.CONTENT_TYPE), text.toByteArray());
  }

  /** Whether the current request may see the alerts, which are the default tenant's. */
  private static boolean alertsVisible(Optional<StorageComponent> store) {
    return store.isEmpty()
        || !store.get().multitenant()
        || (store.get().defaultTenant().isPresent()
            && store.get().defaultTenant().equals(TenantScope.current()));
  }

  /** The configured store, once its exporter has opened it. */
  static Optional<StorageComponent> storage(Host host, ComponentId id) {
    return StorageProvider.of(host, id);
  }

  /** The port the API listens on (useful when configured with port 0). */
  int port() {
    return server.activeLocalPort();
  }

  private static HttpResponse readiness(Health health) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("status", health.ready() ? "ready" : "not ready");
    if (!health.reason().isEmpty()) {
      body.put(health.ready() ? "detail" : "reason", health.reason());
    }
    return HttpResponse.ofJson(
        health.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE, body);
  }

  private static Route get(String path) {
    return Route.builder().path(path).methods(HttpMethod.GET, HttpMethod.HEAD).build();
  }
}
