package dev.spyglass.receiver.otlp;

import dev.spyglass.pipeline.component.InvalidConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Bearer-token authentication: a request must carry {@code Authorization: Bearer <token>} with one
 * of the tokens, or it is refused with HTTP 401 / gRPC {@code UNAUTHENTICATED}.
 *
 * @param bearerTokens tokens written inline (use {@code ${env:NAME}} rather than a literal)
 * @param bearerTokensFile a file with one token per line; blank lines and {@code #} comments are
 *     skipped
 * @param tenantTokens tokens bound to one tenant (multitenancy, docs/adr/0022): what they send is
 *     that tenant's, and an {@code X-Scope-OrgID} naming another is refused (403 / {@code
 *     PERMISSION_DENIED})
 */
public record AuthSettings(
    List<String> bearerTokens, String bearerTokensFile, List<TenantToken> tenantTokens) {

  /**
   * A token whose data is always {@code tenant}'s.
   *
   * @param token the secret
   * @param tenant the tenant id (Mimir's rules)
   */
  public record TenantToken(String token, String tenant) {}

  public AuthSettings {
    bearerTokens = bearerTokens == null ? List.of() : List.copyOf(bearerTokens);
    tenantTokens = tenantTokens == null ? List.of() : List.copyOf(tenantTokens);
  }

  /** Tokens without tenants. */
  public AuthSettings(List<String> bearerTokens, String bearerTokensFile) {
    this(bearerTokens, bearerTokensFile, List.of());
  }

  void validate(String prefix) {
    if (bearerTokensFile != null && !Files.isReadable(Path.of(bearerTokensFile))) {
      throw new InvalidConfigException(
          prefix + "bearer_tokens_file", "cannot read file '" + bearerTokensFile + "'");
    }
    for (int i = 0; i < tenantTokens.size(); i++) {
      TenantToken bound = tenantTokens.get(i);
      String key = prefix + "tenant_tokens[" + i + "]";
      if (bound.token() == null || bound.token().isBlank()) {
        throw new InvalidConfigException(key + ".token", "must not be empty");
      }
      try {
        dev.spyglass.pipeline.Tenants.check(bound.tenant());
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(key + ".tenant", e.getMessage());
      }
    }
    if (tokens().isEmpty() && tenantTokens.isEmpty()) {
      throw new InvalidConfigException(
          prefix + "bearer_tokens", "at least one token is required when auth is set");
    }
  }

  /** The inline tokens and those read from the file, blank ones left out. */
  List<String> tokens() {
    List<String> tokens = new ArrayList<>();
    bearerTokens.stream().filter(t -> !t.isBlank()).forEach(tokens::add);
    if (bearerTokensFile != null) {
      try {
        for (String line : Files.readAllLines(Path.of(bearerTokensFile), StandardCharsets.UTF_8)) {
          String token = line.strip();
          if (!token.isEmpty() && !token.startsWith("#")) {
            tokens.add(token);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return tokens;
  }
}
