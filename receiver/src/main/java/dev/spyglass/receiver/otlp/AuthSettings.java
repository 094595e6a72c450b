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
 */
public record AuthSettings(List<String> bearerTokens, String bearerTokensFile) {

  public AuthSettings {
    bearerTokens = bearerTokens == null ? List.of() : List.copyOf(bearerTokens);
  }

  void validate(String prefix) {
    if (bearerTokensFile != null && !Files.isReadable(Path.of(bearerTokensFile))) {
      throw new InvalidConfigException(
          prefix + "bearer_tokens_file", "cannot read file '" + bearerTokensFile + "'");
    }
    if (tokens().isEmpty()) {
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
