package dev.spyglass.storage.wal;

import dev.spyglass.pipeline.Signal;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The on-disk frame of a write-ahead log record: {@code u32 length | u32 CRC32C | payload}, big
 * endian, the CRC over the payload; payload {@code u8 version | u8 signal | i64 receivedAtNanos |
 * request bytes}.
 */
final class WalFormat {
  static final int HEADER = 8;
  static final int PAYLOAD_PREFIX = 10;
  static final byte VERSION = 1;
  static final String SUFFIX = ".wal";

  /** Frames longer than this are not records but garbage (a torn or corrupt length). */
  static final int MAX_PAYLOAD = 1 << 30;

  private WalFormat() {}

  static String fileName(long base) {
    return String.format(Locale.ROOT, "%020d%s", base, SUFFIX);
  }

  static Optional<Long> baseOf(String fileName) {
    if (!fileName.endsWith(SUFFIX) || fileName.length() != 20 + SUFFIX.length()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(fileName.substring(0, 20)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static int frameSize(byte[] request) {
    return HEADER + PAYLOAD_PREFIX + request.length;
  }

  /** Writes the frame of one record into {@code out}. */
  static void encode(Signal signal, long receivedAtNanos, byte[] request, ByteBuffer out) {
    int start = out.position();
    out.position(start + HEADER);
    out.put(VERSION).put((byte) signal.ordinal()).putLong(receivedAtNanos).put(request);
    int end = out.position();
    CRC32C crc = new CRC32C();
    crc.update(out.duplicate().position(start + HEADER).limit(end));
    out.putInt(start, end - start - HEADER).putInt(start + 4, (int) crc.getValue());
  }

  /** What reading a frame found. */
  sealed interface Read {}

  /** A valid record. */
  record Valid(WalRecord record) implements Read {}

  /** The stream ended exactly at a frame boundary. */
  record End() implements Read {}

  /** The stream ended inside a frame: a torn write. */
  record Incomplete(long available) implements Read {}

  /** A complete frame whose checksum, version or signal is wrong. */
  record Corrupt(long frameLength, String why) implements Read {}

  /**
   * Reads the frame at {@code lsn} from {@code in}, consuming it whole unless it is incomplete. A
   * length that cannot be a record is reported as corrupt with the rest of the stream.
   */
  static Read read(InputStream in, long lsn) throws IOException {
    byte[] header = new byte[HEADER];
    int got = in.readNBytes(header, 0, HEADER);
    if (got == 0) {
      return new End();
    }
    if (got < HEADER) {
      return new Incomplete(got);
    }
    ByteBuffer h = ByteBuffer.wrap(header);
    int length = h.getInt();
    int expectedCrc = h.getInt();
    if (length < PAYLOAD_PREFIX || length > MAX_PAYLOAD) {
      return new Corrupt(-1, "impossible frame length " + length);
    }
    // Read, not allocated up front: a torn or corrupt header may claim up to 1 GiB that is not
    // there, and recovery must not run out of memory over it.
    byte[] payload = in.readNBytes(length);
    if (payload.length < length) {
      return new Incomplete(HEADER + payload.length);
    }
    CRC32C crc = new CRC32C();
    crc.update(payload);
    if ((int) crc.getValue() != expectedCrc) {
      return new Corrupt(HEADER + length, "checksum mismatch");
    }
    ByteBuffer p = ByteBuffer.wrap(payload);
    byte version = p.get();
    int signal = p.get();
    if (version != VERSION || signal < 0 || signal >= Signal.values().length) {
      return new Corrupt(HEADER + length, "unknown version " + version + " or signal " + signal);
    }
    long receivedAt = p.getLong();
    byte[] request = new byte[length - PAYLOAD_PREFIX];
    p.get(request);
    return new Valid(
        new WalRecord(lsn, lsn + HEADER + length, Signal.values()[signal], receivedAt, request));
  }

  static void skipFully(InputStream in, long bytes) throws IOException {
    long remaining = bytes;
    while (remaining > 0) {
      long skipped = in.skip(remaining);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException();
        }
        skipped = 1;
      }
      remaining -= skipped;
    }
  }
}
