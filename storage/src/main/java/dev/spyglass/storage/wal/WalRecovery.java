package dev.spyglass.storage.wal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * Checks every segment of a write-ahead log before it is opened for writing: a torn tail of the
 * last segment is truncated; a corrupt frame anywhere else is reported, the segment is copied to
 * {@code quarantine/} and cut at the corruption, so that replay reads only valid records.
 */
public final class WalRecovery {

  /**
   * What recovery found.
   *
   * @param segments the segments left, by base LSN
   * @param end the LSN after the last byte any segment ever held (never reused)
   * @param tornBytes bytes cut from a torn tail
   * @param problems corruption found and where it was quarantined; empty when none
   */
  public record Result(
      NavigableMap<Long, Path> segments, long end, long tornBytes, List<String> problems) {}

  private WalRecovery() {}

  static Result recover(Path dir, Logger log) throws IOException {
    NavigableMap<Long, Path> segments = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(
          file ->
              WalFormat.baseOf(file.getFileName().toString())
                  .ifPresent(base -> segments.put(base, file)));
    }
    long end = 0;
    long torn = 0;
    List<String> problems = new ArrayList<>();
    for (Map.Entry<Long, Path> segment : List.copyOf(segments.entrySet())) {
      long base = segment.getKey();
      Path file = segment.getValue();
      long length = Files.size(file);
      end = Math.max(end, base + length);
      boolean last = segment.getKey().equals(segments.lastKey());
      Scan scan = scan(file, base);
      if (scan.problem == null) {
        continue;
      }
      long goodLength = scan.validEnd - base;
      boolean tornTail =
          last && (scan.incomplete || !hasValidFrameAfter(file, base, scan.validEnd, scan.frame));
      if (tornTail) {
        torn += length - goodLength;
        log.warn(
            "write-ahead log {}: torn tail at offset {} ({}); cut {} bytes that were never"
                + " acknowledged",
            file.getFileName(),
            goodLength,
            scan.problem,
            length - goodLength);
      } else {
        Path quarantine = dir.resolve("quarantine");
        Files.createDirectories(quarantine);
        Path copy = quarantine.resolve(file.getFileName() + "." + System.currentTimeMillis());
        Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        String problem =
            "write-ahead log "
                + file.getFileName()
                + ": "
                + scan.problem
                + " at offset "
                + goodLength
                + "; "
                + (length - goodLength)
                + " bytes from there on are not replayed and were copied to "
                + dir.relativize(copy);
        log.error(problem);
        problems.add(problem);
      }
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(goodLength);
        channel.force(true);
      }
    }
    for (Map.Entry<Long, Path> segment : List.copyOf(segments.entrySet())) {
      if (Files.size(segment.getValue()) == 0) {
        Files.delete(segment.getValue());
        segments.remove(segment.getKey());
      }
    }
    return new Result(segments, end, torn, problems);
  }

  private static final class Scan {
    long validEnd;
    String problem;
    boolean incomplete;
    long frame;
  }

  private static Scan scan(Path file, long base) throws IOException {
    Scan scan = new Scan();
    scan.validEnd = base;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
      while (true) {
        WalFormat.Read read = WalFormat.read(in, scan.validEnd);
        switch (read) {
          case WalFormat.Valid valid -> scan.validEnd = valid.record().end();
          case WalFormat.End end -> {
            return scan;
          }
          case WalFormat.Incomplete incomplete -> {
            scan.problem = "incomplete frame";
            scan.incomplete = true;
            return scan;
          }
          case WalFormat.Corrupt corrupt -> {
            scan.problem = corrupt.why();
            scan.frame = corrupt.frameLength();
            return scan;
          }
        }
      }
    }
  }

  /** True when a valid frame follows the corrupt one: the corruption is not a torn write. */
  private static boolean hasValidFrameAfter(Path file, long base, long corruptAt, long frameLength)
      throws IOException {
    if (frameLength <= 0) {
      return false;
    }
    long next = corruptAt + frameLength;
    if (next - base >= Files.size(file)) {
      return false;
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      WalFormat.skipFully(in, next - base);
      return WalFormat.read(in, next) instanceof WalFormat.Valid;
    }
  }
}
