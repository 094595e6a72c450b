package dev.spyglass.storage.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypted snapshots (docs/adr/0021): every file of a plain snapshot AES-256-GCM-encrypted in 1
 * MiB chunks into {@code objects/NNNNNN}, listed — path, size, SHA-256 — in {@code manifest.enc},
 * itself AES-256-GCM-encrypted with the clear header {@code snapshot.json} as its associated data.
 * Each chunk's associated data names its object, its index and the number of chunks, so chunks
 * cannot be swapped, reordered, dropped or moved to another file without failing authentication;
 * restore also checks sizes and hashes against the manifest and refuses any file the manifest does
 * not list.
 */
final class EncryptedSnapshots {
  static final String HEADER = "snapshot.json";
  static final String MANIFEST = "manifest.enc";
  static final String FORMAT = "spyglass-encrypted-snapshot";
  private static final int VERSION = 1;
  private static final int CHUNK = 1 << 20;
  private static final int TAG_BYTES = 16;
  private static final int TAG_BITS = TAG_BYTES * 8;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private EncryptedSnapshots() {}

  /** Whether {@code snapshot} is an encrypted one. */
  static boolean isEncrypted(Path snapshot) {
    return Files.isRegularFile(snapshot.resolve(HEADER));
  }

  /** Encrypts every file under {@code plain} into {@code target} (absent or empty). */
  static void encrypt(Path plain, Path target, SnapshotKey key) throws IOException {
    Files.createDirectories(target.resolve("objects"));
    List<Path> files;
    try (Stream<Path> walk = Files.walk(plain)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    ArrayNode entries = JSON.createArrayNode();
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      String object = String.format("objects/%06d", i);
      byte[] prefix = new byte[8];
      RANDOM.nextBytes(prefix);
      long size = Files.size(file);
      String sha256 = encryptFile(file, target.resolve(object), object, prefix, size, key);
      ObjectNode entry = entries.addObject();
      entry.put("path", relative(plain, file));
      entry.put("object", object);
      entry.put("size", size);
      entry.put("sha256", sha256);
      entry.put("nonce_prefix", HexFormat.of().formatHex(prefix));
    }
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    ObjectNode header = JSON.createObjectNode();
    header.put("format", FORMAT);
    header.put("version", VERSION);
    header.put("cipher", "AES-256-GCM");
    header.put("key_id", key.id());
    header.put("manifest_nonce", HexFormat.of().formatHex(nonce));
    byte[] headerBytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(header);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.set("files", entries);
    byte[] sealed =
        crypt(
            Cipher.ENCRYPT_MODE,
            key,
            nonce,
            headerBytes,
            JSON.writeValueAsBytes(manifest),
            MANIFEST);
    writeDurably(target.resolve(MANIFEST), sealed);
    forceDirectory(target.resolve("objects"));
    // The header last: without it the directory is no snapshot at all, never a half one.
    writeDurably(target.resolve(HEADER), headerBytes);
    forceDirectory(target);
  }

  /**
   * Decrypts {@code snapshot} into {@code dataDir} (absent or empty) with whichever of {@code keys}
   * it was encrypted with, checking everything; on any failure nothing is left in {@code dataDir}.
   */
  static void decrypt(Path snapshot, Path dataDir, List<SnapshotKey> keys) throws IOException {
    byte[] headerBytes = Files.readAllBytes(snapshot.resolve(HEADER));
    JsonNode header = readJson(headerBytes, HEADER);
    if (!FORMAT.equals(header.path("format").asText())
        || header.path("version").asInt() != VERSION) {
      throw new IOException(
          snapshot + " is not an encrypted Spyglass snapshot of version " + VERSION);
    }
    String keyId = header.path("key_id").asText();
    if (keys.isEmpty()) {
      throw new IOException(
          snapshot + " is encrypted (key " + keyId + "): give its key with --decrypt-key-file");
    }
    SnapshotKey key =
        keys.stream()
            .filter(k -> k.id().equals(keyId))
            .findFirst()
            .orElseThrow(
                () ->
                    new IOException(
                        "wrong key: "
                            + snapshot
                            + " was encrypted with key "
                            + keyId
                            + ", the keys given are "
                            + keys.stream().map(SnapshotKey::id).toList()));
    byte[] manifestBytes =
        crypt(
            Cipher.DECRYPT_MODE,
            key,
            hex(header.path("manifest_nonce").asText(), 12, HEADER),
            headerBytes,
            readAll(snapshot.resolve(MANIFEST)),
            MANIFEST);
    JsonNode files = readJson(manifestBytes, MANIFEST).path("files");
    refuseUnlisted(snapshot, files);
    Files.createDirectories(dataDir);
    try {
      for (JsonNode entry : files) {
        Path into = inside(dataDir, entry.path("path").asText());
        Files.createDirectories(into.getParent());
        decryptFile(snapshot, entry, into, key);
      }
    } catch (IOException | RuntimeException e) {
      deleteContents(dataDir);
      throw e;
    }
  }

  private static String encryptFile(
      Path file, Path object, String name, byte[] prefix, long size, SnapshotKey key)
      throws IOException {
    MessageDigest sha = sha256();
    long chunks = chunks(size);
    try (InputStream in = Files.newInputStream(file);
        FileChannel out =
            FileChannel.open(object, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long index = 0; index < chunks; index++) {
        byte[] chunk = in.readNBytes((int) Math.min(CHUNK, size - index * CHUNK));
        sha.update(chunk);
        byte[] sealed =
            crypt(
                Cipher.ENCRYPT_MODE,
                key,
                nonce(prefix, index),
                chunkAad(name, index, chunks),
                chunk,
                name);
        out.write(ByteBuffer.wrap(sealed));
      }
      if (in.read() != -1) {
        throw new IOException(file + " grew while it was being encrypted");
      }
      out.force(true);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void decryptFile(Path snapshot, JsonNode entry, Path into, SnapshotKey key)
      throws IOException {
    String name = entry.path("object").asText();
    String path = entry.path("path").asText();
    long size = entry.path("size").asLong(-1);
    byte[] prefix = hex(entry.path("nonce_prefix").asText(), 8, MANIFEST);
    Path object = snapshot.resolve(name);
    long chunks = chunks(size);
    long expected = size + chunks * TAG_BYTES;
    long actual;
    try {
      actual = Files.size(object);
    } catch (NoSuchFileException e) {
      throw new IOException("the snapshot is incomplete: " + name + " (" + path + ") is missing");
    }
    if (actual != expected) {
      throw new IOException(
          "the snapshot is damaged: "
              + name
              + " ("
              + path
              + ") holds "
              + actual
              + " bytes, the manifest says "
              + expected);
    }
    MessageDigest sha = sha256();
    try (InputStream in = Files.newInputStream(object);
        OutputStream out = Files.newOutputStream(into, StandardOpenOption.CREATE_NEW)) {
      for (long index = 0; index < chunks; index++) {
        int plain = (int) Math.min(CHUNK, size - index * CHUNK);
        byte[] chunk =
            crypt(
                Cipher.DECRYPT_MODE,
                key,
                nonce(prefix, index),
                chunkAad(name, index, chunks),
                in.readNBytes(plain + TAG_BYTES),
                name + " (" + path + ")");
        sha.update(chunk);
        out.write(chunk);
      }
    }
    if (!HexFormat.of().formatHex(sha.digest()).equals(entry.path("sha256").asText())) {
      throw new IOException("the snapshot is damaged: " + path + " does not match its SHA-256");
    }
  }

  /** Any file in the snapshot that is neither the header, the manifest nor a listed object. */
  private static void refuseUnlisted(Path snapshot, JsonNode files) throws IOException {
    Set<String> listed =
        Stream.concat(
                Stream.of(HEADER, MANIFEST),
                java.util.stream.StreamSupport.stream(files.spliterator(), false)
                    .map(entry -> entry.path("object").asText()))
            .collect(Collectors.toSet());
    try (Stream<Path> walk = Files.walk(snapshot)) {
      List<String> unlisted =
          walk.filter(Files::isRegularFile)
              .map(file -> relative(snapshot, file))
              .filter(file -> !listed.contains(file))
              .sorted()
              .toList();
      if (!unlisted.isEmpty()) {
        throw new IOException(
            "the snapshot holds files its manifest does not list, so it was altered: " + unlisted);
      }
    }
  }

  private static byte[] crypt(
      int mode, SnapshotKey key, byte[] nonce, byte[] aad, byte[] input, String what)
      throws IOException {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, key.secret(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      return cipher.doFinal(input);
    } catch (AEADBadTagException e) {
      throw new IOException(
          "the snapshot is damaged or was altered: " + what + " fails authentication");
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot " + (mode == Cipher.ENCRYPT_MODE ? "encrypt " : "decrypt ") + what + ": " + e, e);
    }
  }

  private static long chunks(long size) {
    return Math.max(1, (size + CHUNK - 1) / CHUNK);
  }

  private static byte[] nonce(byte[] prefix, long index) {
    return ByteBuffer.allocate(12).put(prefix).putInt((int) index).array();
  }

  private static byte[] chunkAad(String object, long index, long chunks) {
    return (FORMAT + "/" + VERSION + " " + object + " " + index + "/" + chunks)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** {@code path} under {@code root}, refused if it would lead out of it. */
  private static Path inside(Path root, String path) throws IOException {
    Path resolved = root.resolve(path).normalize();
    if (path.isEmpty() || Path.of(path).isAbsolute() || !resolved.startsWith(root)) {
      throw new IOException("the manifest names a file outside the snapshot: '" + path + "'");
    }
    return resolved;
  }

  private static String relative(Path root, Path file) {
    return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }

  private static byte[] hex(String text, int length, String where) throws IOException {
    try {
      byte[] bytes = HexFormat.of().parseHex(text);
      if (bytes.length == length) {
        return bytes;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IOException("the snapshot is damaged: a nonce in " + where + " is malformed");
  }

  private static JsonNode readJson(byte[] bytes, String what) throws IOException {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IOException("the snapshot is damaged: " + what + " is not JSON");
    }
  }

  private static byte[] readAll(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException("the snapshot is incomplete: " + file.getFileName() + " is missing");
    }
  }

  private static void writeDurably(Path file, byte[] bytes) throws IOException {
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      out.write(ByteBuffer.wrap(bytes));
      out.force(true);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static void deleteContents(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> entries = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(entries::add);
    }
    for (Path entry : entries) {
      Files.deleteIfExists(entry);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    deleteContents(dir);
    Files.deleteIfExists(dir);
  }

  private static void forceDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
