package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.Signal;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * Every partition of the store, by signal and time window: {@code <root>/<signal>/<window start>}
 * with the start written as {@code 2026-11-21T00-00Z} (UTC). Finds the partition of a timestamp,
 * creating it on first write; lists the partitions a time range overlaps; applies retention by
 * deleting whole partitions.
 */
final class PartitionSet implements Closeable {
  private static final DateTimeFormatter NAME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm'Z'").withZone(ZoneOffset.UTC);

  private final Path root;
  private final long windowNanos;
  private final Logger log;
  private final Map<Signal, NavigableMap<Long, Partition>> partitions = new EnumMap<>(Signal.class);

  PartitionSet(Path root, long windowNanos, Logger log) throws IOException {
    this.root = root;
    this.windowNanos = windowNanos;
    this.log = log;
    for (Signal signal : Signal.values()) {
      NavigableMap<Long, Partition> bySignal = new TreeMap<>();
      partitions.put(signal, bySignal);
      Path dir = root.resolve(signal.configName());
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> entries = Files.list(dir)) {
        for (Path entry : entries.filter(Files::isDirectory).toList()) {
          Long start = parseStart(entry.getFileName().toString());
          if (start == null) {
            log.warn("ignoring {}: not a partition directory", entry);
            continue;
          }
          bySignal.put(start, new Partition(signal, start, start + windowNanos, entry));
        }
      }
    }
  }

  /** The partition for a record of {@code signal} at {@code timestampNanos}. */
  synchronized Partition forTimestamp(Signal signal, long timestampNanos) throws IOException {
    long start = Math.floorDiv(timestampNanos, windowNanos) * windowNanos;
    NavigableMap<Long, Partition> bySignal = partitions.get(signal);
    Partition existing =
        bySignal.floorEntry(start) == null ? null : bySignal.floorEntry(start).getValue();
    if (existing != null && existing.overlaps(timestampNanos, timestampNanos)) {
      return existing;
    }
    Path path = root.resolve(signal.configName()).resolve(name(start));
    Partition created = new Partition(signal, start, start + windowNanos, path);
    bySignal.put(start, created);
    return created;
  }

  /** The end (exclusive) of the window {@code timestampNanos} falls in. */
  long windowEnd(long timestampNanos) {
    return Math.floorDiv(timestampNanos, windowNanos) * windowNanos + windowNanos;
  }

  /** The partitions of {@code signal} overlapping [from, to], newest first or oldest first. */
  synchronized List<Partition> overlapping(
      Signal signal, long fromNanos, long toNanos, boolean newestFirst) {
    List<Partition> result = new ArrayList<>();
    for (Partition partition : partitions.get(signal).values()) {
      if (partition.overlaps(fromNanos, toNanos)) {
        result.add(partition);
      }
    }
    result.sort(
        newestFirst
            ? Comparator.comparingLong(Partition::startNanos).reversed()
            : Comparator.comparingLong(Partition::startNanos));
    return result;
  }

  synchronized List<Partition> all() {
    List<Partition> all = new ArrayList<>();
    partitions.values().forEach(bySignal -> all.addAll(bySignal.values()));
    return all;
  }

  /** The highest WAL position any partition's last commit covers. */
  long maxCommittedLsn() {
    return all().stream().mapToLong(Partition::committedLsn).max().orElse(0);
  }

  void commitAll(long lsn) throws IOException {
    for (Partition partition : all()) {
      partition.commit(lsn);
    }
  }

  void refreshAll() throws IOException {
    for (Partition partition : all()) {
      partition.refresh(false);
    }
  }

  /** Refreshes every partition and waits until each searcher sees everything added. */
  void refreshAllBlocking() throws IOException {
    for (Partition partition : all()) {
      partition.refresh(true);
    }
  }

  /** Closes partitions that are committed and have not been used for {@code idleNanos}. */
  void closeIdle(long idleNanos) throws IOException {
    for (Partition partition : all()) {
      if (partition.idle(idleNanos)) {
        partition.close();
      }
    }
  }

  /**
   * Deletes partitions whose window ended more than {@code maxAgeNanos} before {@code nowNanos}
   * (when positive), then the oldest ones while all partitions together exceed {@code maxBytes}
   * (when positive); never a partition whose window contains now. Returns what was deleted.
   */
  synchronized List<String> applyRetention(long nowNanos, long maxAgeNanos, long maxBytes)
      throws IOException {
    List<String> deleted = new ArrayList<>();
    List<Partition> oldestFirst = new ArrayList<>(all());
    oldestFirst.sort(Comparator.comparingLong(Partition::startNanos));
    if (maxAgeNanos > 0) {
      for (Partition partition : List.copyOf(oldestFirst)) {
        if (partition.endNanos() <= nowNanos - maxAgeNanos) {
          delete(partition, "older than retention.max_age", deleted);
          oldestFirst.remove(partition);
        }
      }
    }
    if (maxBytes > 0) {
      long total = oldestFirst.stream().mapToLong(Partition::sizeBytes).sum();
      for (Partition partition : List.copyOf(oldestFirst)) {
        if (total <= maxBytes || partition.overlaps(nowNanos, nowNanos)) {
          break;
        }
        total -= partition.sizeBytes();
        delete(partition, "total size over retention.max_size", deleted);
      }
    }
    return deleted;
  }

  private void delete(Partition partition, String why, List<String> deleted) throws IOException {
    partition.close();
    partitions.get(partition.signal()).remove(partition.startNanos());
    if (!Files.exists(partition.path())) {
      return;
    }
    try (Stream<Path> files = Files.walk(partition.path())) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
    log.info("retention: deleted partition {} ({})", partition, why);
    deleted.add(partition.toString());
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (Partition partition : all()) {
      try {
        partition.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static String name(long startNanos) {
    return NAME.format(Instant.ofEpochSecond(Math.floorDiv(startNanos, 1_000_000_000L)));
  }

  private static Long parseStart(String name) {
    try {
      return LocalDateTime.parse(name, NAME).toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
