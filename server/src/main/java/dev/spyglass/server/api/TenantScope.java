package dev.spyglass.server.api;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.spyglass.pipeline.Tenants;
import dev.spyglass.storage.StorageComponent;
import dev.spyglass.storage.TelemetryReader;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Which tenant a request reads (docs/adr/0022), when the store keeps tenants apart: the tenant its
 * token (or certificate) is bound to — which {@code X-Scope-OrgID} may repeat but never change
 * (403) — else {@code X-Scope-OrgID} (400 when malformed), else the default tenant, else 401. Every
 * read of the request then goes to that tenant's data only ({@link #reader}); a request whose
 * tenant was not decided gets no reader at all.
 */
final class TenantScope implements DecoratingHttpServiceFunction {
  private static final io.netty.util.AttributeKey<String> TENANT =
      io.netty.util.AttributeKey.valueOf(TenantScope.class, "tenant");
  private final Supplier<Optional<StorageComponent>> storage;
  private final Logger audit;

  TenantScope(Supplier<Optional<StorageComponent>> storage, Logger audit) {
    this.storage = storage;
    this.audit = audit;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    Optional<StorageComponent> store = storage.get();
    if (store.isEmpty() || !store.get().multitenant() || ApiAuthenticator.isOpen(req, ctx.path())) {
      return delegate.serve(ctx, req);
    }
    String header = req.headers().get(Tenants.HEADER);
    Optional<String> asked;
    try {
      asked = Optional.ofNullable(header).map(Tenants::check);
    } catch (IllegalArgumentException e) {
      return ApiErrors.afterBody(
          req, ApiErrors.of(HttpStatus.BAD_REQUEST, "invalid_tenant", e.getMessage()));
    }
    ApiAuthenticator.Caller caller = ctx.attr(ApiAuthenticator.CALLER);
    Optional<String> bound = caller == null ? Optional.empty() : caller.tenant();
    if (bound.isPresent() && asked.isPresent() && !bound.equals(asked)) {
      audit.warn(
          "refused: {} (bound to tenant {}) asked for tenant {} from {}",
          caller.name(),
          bound.get(),
          asked.get(),
          ctx.remoteAddress());
      return ApiErrors.afterBody(
          req,
          ApiErrors.of(
              HttpStatus.FORBIDDEN,
              "wrong_tenant",
              "this token reads tenant " + bound.get() + " only, not " + asked.get()));
    }
    Optional<String> tenant = bound.or(() -> asked).or(() -> store.get().defaultTenant());
    if (tenant.isEmpty()) {
      return ApiErrors.afterBody(
          req,
          ApiErrors.of(
              HttpStatus.UNAUTHORIZED,
              "no_tenant",
              "name the tenant to read with the X-Scope-OrgID header (there is no default tenant)"));
    }
    if (ctx.path().equals("/metrics") && bound.isPresent()) {
      // Every tenant's counters are there: for operators, not for one tenant's token.
      return ApiErrors.afterBody(
          req,
          ApiErrors.of(
              HttpStatus.FORBIDDEN,
              "forbidden",
              "/metrics is not for a token bound to one tenant"));
    }
    ctx.setAttr(TENANT, tenant.get());
    return delegate.serve(ctx, req);
  }

  /** The tenant the current request reads; empty outside a request of a multi-tenant store. */
  static Optional<String> current() {
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    return ctx == null ? Optional.empty() : Optional.ofNullable(ctx.attr(TENANT));
  }

  /**
   * What the current request may read of {@code store}: one tenant's data in a multi-tenant store —
   * and an error, never everything, if no tenant was decided.
   */
  static TelemetryReader reader(StorageComponent store) {
    if (!store.multitenant()) {
      return store.reader();
    }
    String tenant =
        current()
            .orElseThrow(
                () -> new IllegalStateException("a read of a multi-tenant store without a tenant"));
    return store.reader(tenant);
  }
}
