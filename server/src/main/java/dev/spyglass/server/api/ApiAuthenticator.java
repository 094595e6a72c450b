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
  private final java.util.Map<String, ApiAuth.Subject> subjects = new java.util.HashMap<>();
  private final Logger audit;
  private final LongCounter requests;

  ApiAuthenticator(ApiAuth auth, Logger audit, Meter meter) {
    this.credentials = auth.credentials();
    auth.subjects().forEach(subject -> subjects.put(subject.canonical(), subject));
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
    if (isOpen(req, path)) {
      return delegate.serve(ctx, req);
    }
    String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    Optional<Caller> caller =
        authorization != null ? find(authorization) : certificateHolder(ctx.sslSession());
    if (caller.isEmpty()) {
      requests.add(1, Attributes.of(OUTCOME, "refused"));
      audit.warn(
          "refused: no valid API token{} for {} {} from {}",
          peerSubject(ctx.sslSession())
              .map(s -> " (certificate " + s + " not in auth.clients)")
              .orElse(""),
          req.method(),
          path,
          ctx.remoteAddress());
      return ApiErrors.afterBody(
          req,
          HttpResponse.of(
              ResponseHeaders.builder(HttpStatus.UNAUTHORIZED)
                  .contentType(MediaType.JSON_UTF_8)
                  .set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"spyglass\"")
                  .build(),
              com.linecorp.armeria.common.HttpData.ofUtf8(
                  "{\"error\":{\"code\":\"unauthenticated\",\"message\":\"send Authorization: Bearer"
                      + " <token> (extensions.api.auth)\"}}")));
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
      return ApiErrors.afterBody(
          req,
          ApiErrors.of(HttpStatus.FORBIDDEN, "forbidden", "this needs a token with role admin"));
    }
    requests.add(1, Attributes.of(OUTCOME, "accepted"));
    ctx.setAttr(CALLER, caller.get());
    if (admin) {
      audit.info(
          "admin: {} {} {} from {}", caller.get().name(), req.method(), path, ctx.remoteAddress());
    }
    return delegate.serve(ctx, req);
  }

  /** Health checks and the UI's own files: no data in them. */
  static boolean isOpen(HttpRequest req, String path) {
    if (path.equals("/healthz") || path.equals("/readyz")) {
      return true;
    }
    boolean read = req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
    MediaType type = req.contentType();
    boolean grpc = type != null && type.subtype().startsWith("grpc");
    return read && !grpc && !path.startsWith("/api/") && !path.equals("/metrics");
  }

  /** Who a request comes from, what they may do, and the one tenant they may read, if bound. */
  record Caller(String name, ApiAuth.Role role, Optional<String> tenant) {}

  /** The caller of the current request, once this decorator has let it in. */
  static final io.netty.util.AttributeKey<Caller> CALLER =
      io.netty.util.AttributeKey.valueOf(ApiAuthenticator.class, "caller");

  /** The holder of a verified client certificate whose subject is in {@code auth.clients}. */
  private Optional<Caller> certificateHolder(javax.net.ssl.SSLSession session) {
    return peer(session)
        .map(certificate -> subjects.get(ApiAuth.canonical(certificate.getSubjectX500Principal())))
        .map(subject -> new Caller(subject.name(), subject.role(), subject.tenant()));
  }

  private static Optional<String> peerSubject(javax.net.ssl.SSLSession session) {
    return peer(session).map(certificate -> certificate.getSubjectX500Principal().getName());
  }

  /** The client's certificate, verified by the TLS handshake against {@code client_ca_file}. */
  private static Optional<java.security.cert.X509Certificate> peer(
      javax.net.ssl.SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      java.security.cert.Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof java.security.cert.X509Certificate x509
          ? Optional.of(x509)
          : Optional.empty();
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  private Optional<Caller> find(String authorization) {
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
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
    return Optional.ofNullable(found).map(c -> new Caller(c.name(), c.role(), c.tenant()));
  }
}
