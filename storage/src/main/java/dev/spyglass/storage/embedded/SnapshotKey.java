package dev.spyglass.storage.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A 256-bit AES key for encrypted snapshots (docs/adr/0021), and its id: a fingerprint written in
 * the clear in each snapshot so that restore can say which key a snapshot needs, which reveals
 * nothing of the key.
 */
public final class SnapshotKey {
  private static final int BYTES = 32;
  private final SecretKey key;
  private final String id;

  private SnapshotKey(byte[] bytes) {
    this.key = new SecretKeySpec(bytes, "AES");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("spyglass snapshot key id\0".getBytes(StandardCharsets.US_ASCII));
      this.id = HexFormat.of().formatHex(Arrays.copyOf(sha.digest(bytes), 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    Arrays.fill(bytes, (byte) 0);
  }

  /**
   * The key in {@code file}: the base64 of 32 bytes (as {@code openssl rand -base64 32} writes), or
   * the 32 bytes themselves.
   */
  public static SnapshotKey read(Path file) throws IOException {
    byte[] content = Files.readAllBytes(file);
    if (content.length == BYTES) {
      return new SnapshotKey(content);
    }
    try {
      return fromBase64(new String(content, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      throw new IOException(
          file
              + " does not hold a 256-bit key: it must be 32 bytes, or their base64 (make one with"
              + " 'openssl rand -base64 32')");
    }
  }

  /** The key whose 32 bytes {@code base64} encodes. */
  public static SnapshotKey fromBase64(String base64) {
    byte[] bytes = Base64.getDecoder().decode(base64.strip());
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException(
          "a snapshot key is 32 bytes (256 bits), not " + bytes.length);
    }
    return new SnapshotKey(bytes);
  }

  /** The fingerprint of the key, 16 hex digits. */
  public String id() {
    return id;
  }

  /** The key as base64, for sending it to the API that encrypts ({@code "encryption_key"}). */
  public String base64() {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  SecretKey secret() {
    return key;
  }

  @Override
  public String toString() {
    return "snapshot key " + id;
  }
}
