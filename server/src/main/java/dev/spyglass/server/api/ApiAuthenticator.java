package dev.spyglass.server.api;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The API port's door (ADR 0020): {@code /healthz}, {@code /readyz} and the web UI's files (which
 * hold no data) are open; every other request needs {@code Authorization: Bearer <token>} of a
 * configured token — 401 without, 403 when a {@code read} token asks for {@code /api/v1/admin/…}.
 * Refusals and admin actions are logged for audit (who, what, from where), never a token.
 */
final class ApiAuthenticator implements DecoratingHttpServiceFunction {
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
  private final List<ApiAuth.Credential> credentials;
  private final Logger audit;
  private final LongCounter requests;

  ApiAuthenticator(ApiAuth auth, Logger audit, Meter meter) {
    this.credentials = auth.credentials();
    this.audit = audit;
    this.requests =
        meter
            .counterBuilder("spyglass_api_authentications")
            .setDescription("API requests that needed a token, by outcome")
            .build();
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    String path = ctx.path();
    if (open(req, path)) {
      return delegate.serve(ctx, req);
    }
    Optional<ApiAuth.Credential> caller = find(req.headers().get(HttpHeaderNames.AUTHORIZATION));
    if (caller.isEmpty()) {
      requests.add(1, Attributes.of(OUTCOME, "refused"));
      audit.warn(
          "refused: no valid API token for {} {} from {}", req.method(), path, ctx.remoteAddress());
      return HttpResponse.of(
          ResponseHeaders.builder(HttpStatus.UNAUTHORIZED)
              .contentType(MediaType.JSON_UTF_8)
              .set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"spyglass\"")
              .build(),
          com.linecorp.armeria.common.HttpData.ofUtf8(
              "{\"error\":{\"code\":\"unauthenticated\",\"message\":\"send Authorization: Bearer"
                  + " <token> (extensions.api.auth)\"}}"));
    }
    boolean admin = path.startsWith("/api/v1/admin/");
    if (admin && caller.get().role() != ApiAuth.Role.ADMIN) {
      requests.add(1, Attributes.of(OUTCOME, "forbidden"));
      audit.warn(
          "refused: {} (role read) asked for {} {} from {}",
          caller.get().name(),
          req.method(),
          path,
          ctx.remoteAddress());
      return ApiErrors.of(HttpStatus.FORBIDDEN, "forbidden", "this needs a token with role admin");
    }
    requests.add(1, Attributes.of(OUTCOME, "accepted"));
    if (admin) {
      audit.info(
          "admin: {} {} {} from {}", caller.get().name(), req.method(), path, ctx.remoteAddress());
    }
    return delegate.serve(ctx, req);
  }

  /** Health checks and the UI's own files: no data in them. */
  private static boolean open(HttpRequest req, String path) {
    if (path.equals("/healthz") || path.equals("/readyz")) {
      return true;
    }
    boolean read = req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
    MediaType type = req.contentType();
    boolean grpc = type != null && type.subtype().startsWith("grpc");
    return read && !grpc && !path.startsWith("/api/") && !path.equals("/metrics");
  }

  private Optional<ApiAuth.Credential> find(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] presented = ApiAuth.digest(authorization.substring(7).strip());
    ApiAuth.Credential found = null;
    for (ApiAuth.Credential credential : credentials) {
      // Digests of equal length compared in constant time, every one: no hint of which matched.
      if (MessageDigest.isEqual(presented, credential.secret()) && found == null) {
        found = credential;
      }
    }
    return Optional.ofNullable(found);
  }
}
