package dev.spyglass.server.api;

import dev.spyglass.pipeline.component.InvalidConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bearer tokens for the API port (issue 20, ADR 0020), each with a role: {@code read} (queries, the
 * UI's data, Jaeger endpoints, {@code /metrics}) or {@code admin} (that, and {@code
 * /api/v1/admin/…}).
 *
 * @param tokens tokens written in the config (use {@code ${env:NAME}} rather than a literal)
 * @param tokensFile a file of lines {@code <role> <token> [name]}; blank lines and {@code #}
 *     comments are skipped
 * @param clients client certificate subjects with their roles, for callers that come with a
 *     certificate verified by {@code tls.client_ca_file} (mTLS) and no token
 */
public record ApiAuth(List<Token> tokens, String tokensFile, List<Client> clients) {
  /** What a token may do. */
  public enum Role {
    READ,
    ADMIN;

    static Role parse(String text, String key) {
      try {
        return Role.valueOf(text.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new InvalidConfigException(key, "role must be read or admin, not '" + text + "'");
      }
    }
  }

  /**
   * One token.
   *
   * @param name who holds it, for the audit log (default: "token N"); never the token itself
   * @param token the secret
   * @param role {@code read} (default) or {@code admin}
   * @param tenant the only tenant this token reads (with multitenancy); empty: any, named by {@code
   *     X-Scope-OrgID}
   */
  public record Token(String name, String token, String role, String tenant) {}

  /**
   * A client certificate's subject and what its holder may do.
   *
   * @param name who holds it, for the audit log (default: the subject)
   * @param subject the certificate's subject distinguished name, as {@code CN=ops,O=Example}
   *     (compared in RFC 2253's canonical form, so spacing and case of attribute names do not
   *     matter)
   * @param role {@code read} (default) or {@code admin}
   * @param tenant the only tenant this certificate's holder reads (with multitenancy)
   */
  public record Client(String name, String subject, String role, String tenant) {}

  /** A certificate subject as checked at request time: canonical RFC 2253. */
  record Subject(String name, String canonical, Role role, java.util.Optional<String> tenant) {}

  private static java.util.Optional<String> tenant(String tenant, String key) {
    if (tenant == null || tenant.isBlank()) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(dev.spyglass.pipeline.Tenants.check(tenant));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(key, "'" + tenant + "': " + e.getMessage());
    }
  }

  /** The canonical form of a subject, as {@link Subject#canonical} holds it. */
  static String canonical(javax.security.auth.x500.X500Principal subject) {
    return subject.getName(javax.security.auth.x500.X500Principal.CANONICAL);
  }

  /** A token as checked at request time: its SHA-256, never the token itself. */
  record Credential(String name, byte[] secret, Role role, java.util.Optional<String> tenant) {}

  /** The SHA-256 of a token, as {@link Credential#secret} holds it. */
  static byte[] digest(String token) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  public ApiAuth {
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
    clients = clients == null ? List.of() : List.copyOf(clients);
  }

  void validate() {
    if (tokensFile != null && !Files.isReadable(Path.of(tokensFile))) {
      throw new InvalidConfigException("auth.tokens_file", "cannot read file '" + tokensFile + "'");
    }
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.token() == null || token.token().isBlank()) {
        throw new InvalidConfigException("auth.tokens[" + i + "].token", "must not be empty");
      }
      if (token.role() != null) {
        Role.parse(token.role(), "auth.tokens[" + i + "].role");
      }
    }
    subjects(); // each subject parses
    if (credentials().isEmpty() && clients.isEmpty()) {
      throw new InvalidConfigException(
          "auth.tokens", "at least one token (or client certificate) is required when auth is set");
    }
  }

  /** Every client certificate subject. */
  List<Subject> subjects() {
    List<Subject> subjects = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      Client client = clients.get(i);
      String key = "auth.clients[" + i + "]";
      if (client.subject() == null || client.subject().isBlank()) {
        throw new InvalidConfigException(key + ".subject", "must be a distinguished name");
      }
      String canonical;
      try {
        canonical = canonical(new javax.security.auth.x500.X500Principal(client.subject()));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(
            key + ".subject",
            "'" + client.subject() + "' is not a distinguished name (as CN=ops,O=Example)");
      }
      subjects.add(
          new Subject(
              client.name() == null || client.name().isBlank() ? client.subject() : client.name(),
              canonical,
              client.role() == null ? Role.READ : Role.parse(client.role(), key + ".role"),
              tenant(client.tenant(), key + ".tenant")));
    }
    return subjects;
  }

  /** Every token, from the config and the file. */
  List<Credential> credentials() {
    List<Credential> credentials = new ArrayList<>();
    for (Token token : tokens) {
      credentials.add(
          new Credential(
              token.name() == null || token.name().isBlank()
                  ? "token " + (credentials.size() + 1)
                  : token.name(),
              digest(token.token()),
              token.role() == null ? Role.READ : Role.parse(token.role(), "auth.tokens.role"),
              tenant(token.tenant(), "auth.tokens.tenant")));
    }
    if (tokensFile != null) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(tokensFile), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (int n = 0; n < lines.size(); n++) {
        String line = lines.get(n).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\\s+", 3);
        String where = "auth.tokens_file (" + tokensFile + " line " + (n + 1) + ")";
        if (fields.length < 2) {
          throw new InvalidConfigException(where, "expected '<role> <token> [name]'");
        }
        credentials.add(
            new Credential(
                fields.length == 3 ? fields[2] : tokensFile + ":" + (n + 1),
                digest(fields[1]),
                Role.parse(fields[0], where),
                java.util.Optional.empty()));
      }
    }
    return credentials;
  }
}
