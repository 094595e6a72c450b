package dev.spyglass.receiver.otlp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Checks {@code Authorization: Bearer <token>} against the configured tokens in constant time. */
final class BearerTokens {
  private final List<byte[]> tokens;

  BearerTokens(List<String> tokens) {
    this.tokens = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
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
