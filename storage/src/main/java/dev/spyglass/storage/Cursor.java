package dev.spyglass.storage;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A position in the total order of records (time, then write order): where the next page of a
 * search starts. Stable while data arrives, since it names a record, not an offset.
 *
 * @param timestampNanos the record's timestamp
 * @param lsn the write-ahead log position of the request it came in
 * @param position its index within that request
 */
public record Cursor(long timestampNanos, long lsn, int position) {

  /** An opaque, URL-safe token. */
  public String encode() {
    ByteBuffer bytes =
        ByteBuffer.allocate(20).putLong(timestampNanos).putLong(lsn).putInt(position);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  /**
   * Reads a token from {@link #encode()}.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static Cursor decode(String token) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid cursor '" + token + "'");
    }
    if (bytes.length != 20) {
      throw new IllegalArgumentException("invalid cursor '" + token + "'");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new Cursor(buffer.getLong(), buffer.getLong(), buffer.getInt());
  }
}
