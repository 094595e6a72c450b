package dev.spyglass.receiver.otlp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Checks {@code Authorization: Bearer <token>} against the configured tokens in constant time. */
final class BearerTokens {
  private final List<byte[]> tokens;
  private final List<Optional<String>> tenants;

  BearerTokens(List<String> tokens) {
    this(tokens, List.of());
  }

  /** {@code tokens}, and tokens each bound to a tenant. */
  BearerTokens(List<String> tokens, List<AuthSettings.TenantToken> bound) {
    List<byte[]> all = new java.util.ArrayList<>();
    List<Optional<String>> tenantOf = new java.util.ArrayList<>();
    for (String token : tokens) {
      all.add(token.getBytes(StandardCharsets.UTF_8));
      tenantOf.add(Optional.empty());
    }
    for (AuthSettings.TenantToken token : bound) {
      all.add(token.token().getBytes(StandardCharsets.UTF_8));
      tenantOf.add(Optional.of(token.tenant()));
    }
    this.tokens = List.copyOf(all);
    this.tenants = List.copyOf(tenantOf);
  }

  /** The tenant the token of {@code principal} (as {@link #authenticate} named it) is bound to. */
  Optional<String> tenantOf(Optional<String> principal) {
    if (principal.isEmpty() || !principal.get().startsWith("token-")) {
      return Optional.empty();
    }
    int index = Integer.parseInt(principal.get().substring(6)) - 1;
    return index >= 0 && index < tenants.size() ? tenants.get(index) : Optional.empty();
  }

  /**
   * The principal for an {@code Authorization} header value (null when absent): {@code token-N} for
   * the N-th configured token, so that logs never carry the secret; empty when refused.
   */
  Optional<String> authenticate(String authorization) {
    if (authorization == null
        || authorization.length() < 7
        || !authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return Optional.empty();
    }
    byte[] presented = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    String principal = null;
    for (int i = 0; i < tokens.size(); i++) {
      if (MessageDigest.isEqual(tokens.get(i), presented) && principal == null) {
        principal = "token-" + (i + 1);
      }
    }
    return Optional.ofNullable(principal);
  }
}
