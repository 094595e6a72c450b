package dev.spyglass.storage.opensearch;

import dev.spyglass.pipeline.Signal;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * {@code retention.max_age} on the cluster (docs/adr/0018): deletes whole daily indices whose day
 * ended longer ago than the age, at start and then hourly. Every instance sharing the cluster does
 * it; deleting an index twice is harmless. Documents that arrive already past the age are not
 * shipped (counted), so they do not bring a deleted day back.
 */
final class IndexRetention implements AutoCloseable {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd");
  private static final long DAY_NANOS = 86_400_000_000_000L;
  private static final Duration EVERY = Duration.ofHours(1);
  private static final Duration AFTER_FAILURE = Duration.ofMinutes(1);

  private final Connection connection;
  private final IndexLayout layout;
  private final long maxAgeNanos;
  private final LongSupplier clock;
  private final Logger log;
  private final LongCounter deleted;
  private final LongCounter expired;
  private final Thread thread;

  IndexRetention(
      Connection connection,
      IndexLayout layout,
      Duration maxAge,
      LongSupplier clock,
      Meter meter,
      Logger log) {
    this.connection = connection;
    this.layout = layout;
    this.maxAgeNanos = maxAge.toNanos();
    this.clock = clock;
    this.log = log;
    this.deleted =
        meter
            .counterBuilder("spyglass_opensearch_indices_deleted")
            .setDescription("Daily indices deleted as older than retention.max_age")
            .build();
    this.expired =
        meter
            .counterBuilder("spyglass_opensearch_documents_expired")
            .setDescription("Records older than retention.max_age when shipped; not shipped")
            .build();
    this.thread =
        Thread.ofPlatform().name("spyglass-opensearch-retention").daemon().unstarted(this::run);
  }

  /** Starts the hourly pass; nothing when everything is kept. */
  void start() {
    if (maxAgeNanos > 0) {
      thread.start();
    }
  }

  /**
   * Whether a record at {@code timestampNanos} lies in a day retention has already deleted (or
   * would); counted when so.
   */
  boolean expired(long timestampNanos) {
    if (maxAgeNanos <= 0 || !past(Math.floorDiv(timestampNanos, DAY_NANOS))) {
      return false;
    }
    expired.add(1);
    return true;
  }

  private boolean past(long epochDay) {
    return (epochDay + 1) * DAY_NANOS < clock.getAsLong() - maxAgeNanos;
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      Duration next = EVERY;
      try {
        apply();
      } catch (IOException | RuntimeException e) {
        log.warn("retention: cannot list or delete old indices, trying again in 1 min: {}", e);
        next = AFTER_FAILURE;
      }
      try {
        Thread.sleep(next);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One pass: the indices deleted. */
  List<String> apply() throws IOException {
    List<String> gone = new ArrayList<>();
    for (Signal signal : Signal.values()) {
      String prefix = layout.prefix(signal) + "-";
      for (String index : connection.indices(prefix + "*")) {
        LocalDate day;
        try {
          day = LocalDate.parse(index.substring(prefix.length()), DAY);
        } catch (DateTimeParseException notOurs) {
          continue; // not a daily index of ours (another prefix that starts the same)
        }
        if (!past(day.toEpochDay())) {
          continue;
        }
        Connection.Answer answer = connection.json("DELETE", "/" + index, null);
        if (!answer.ok() && answer.status() != 404) {
          throw new IOException("deleting " + index + ": " + answer.reason());
        }
        deleted.add(1);
        gone.add(index);
        log.info("retention: deleted index {} (older than retention.max_age)", index);
      }
    }
    return gone;
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
