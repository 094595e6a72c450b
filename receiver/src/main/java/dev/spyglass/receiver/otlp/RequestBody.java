package dev.spyglass.receiver.otlp;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Decodes a request body by its {@code Content-Encoding}, refusing to produce more than the limit:
 * the limit applies to the decompressed size, and a compression bomb stops at limit + 1 bytes
 * instead of being inflated into memory.
 */
final class RequestBody {

  /** The body decompresses past the limit. */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(long limit) {
      super("request body exceeds " + limit + " bytes after decompression");
    }
  }

  /** The {@code Content-Encoding} is not one we decode. */
  static final class UnsupportedEncodingException extends IOException {
    private static final long serialVersionUID = 1L;

    UnsupportedEncodingException(String encoding) {
      super(
          "unsupported Content-Encoding '"
              + encoding
              + "'; supported: gzip, deflate, zstd, identity");
    }
  }

  private RequestBody() {}

  /** True when {@code encoding} (a header value, possibly null) is one we decode. */
  static boolean isSupported(String encoding) {
    return switch (normalize(encoding)) {
      case "", "identity", "gzip", "x-gzip", "deflate", "zstd" -> true;
      default -> false;
    };
  }

  /**
   * The decoded body.
   *
   * @throws TooLargeException when it decodes to more than {@code limit} bytes
   * @throws UnsupportedEncodingException for an encoding we do not decode
   * @throws IOException when the compressed data is corrupt
   */
  static byte[] decode(byte[] body, String encoding, long limit) throws IOException {
    String normalized = normalize(encoding);
    if (normalized.isEmpty() || normalized.equals("identity")) {
      if (body.length > limit) {
        throw new TooLargeException(limit);
      }
      return body;
    }
    try (InputStream in = decoder(normalized, encoding, body)) {
      return readAtMost(in, limit);
    }
  }

  private static InputStream decoder(String normalized, String encoding, byte[] body)
      throws IOException {
    ByteArrayInputStream raw = new ByteArrayInputStream(body);
    return switch (normalized) {
      case "gzip", "x-gzip" -> new GZIPInputStream(raw, 8192);
      // "deflate" is zlib (RFC 1950); some clients send raw DEFLATE (RFC 1951): accept both.
      case "deflate" -> new InflaterInputStream(raw, new Inflater(!isZlib(body)), 8192);
      case "zstd" -> new ZstdInputStream(raw);
      default -> throw new UnsupportedEncodingException(encoding);
    };
  }

  private static boolean isZlib(byte[] body) {
    return body.length >= 2
        && (body[0] & 0x0f) == 8
        && (((body[0] & 0xff) << 8) | (body[1] & 0xff)) % 31 == 0;
  }

  private static byte[] readAtMost(InputStream in, long limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buffer = new byte[8192];
    long total = 0;
    int read;
    while ((read = in.read(buffer)) != -1) {
      total += read;
      if (total > limit) {
        throw new TooLargeException(limit);
      }
      out.write(buffer, 0, read);
    }
    return out.toByteArray();
  }

  private static String normalize(String encoding) {
    return encoding == null ? "" : encoding.strip().toLowerCase(Locale.ROOT);
  }
}
