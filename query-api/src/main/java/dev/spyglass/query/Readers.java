package dev.spyglass.query;

import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.TelemetryReader;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What every handler reads through: the configured store's reader, found at request time (the store
 * opens after the API starts listening), and the query deadline.
 */
final class Readers {
  private final Supplier<Optional<TelemetryReader>> reader;
  private final Duration queryTimeout;

  Readers(Supplier<Optional<TelemetryReader>> reader, Duration queryTimeout) {
    this.reader = reader;
    this.queryTimeout = queryTimeout;
  }

  /** The reader; a 503 when no store is configured or it has not opened yet. */
  TelemetryReader get() {
    return reader
        .get()
        .orElseThrow(
            () ->
                new ApiException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "no store is open (is extensions.api.storage a store exporter in a pipeline,"
                        + " and has it started?)"));
  }

  /**
   * The deadline of a read: the query timeout from when its request arrived, so that the time it
   * waited for a free query thread counts, and it answers (partial) before the HTTP timeout.
   */
  Deadline deadline() {
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    if (ctx == null || queryTimeout.isZero()) {
      return Deadline.after(queryTimeout);
    }
    long arrived = ctx.log().partial().requestStartTimeNanos();
    long waited = Math.max(0, System.nanoTime() - arrived);
    Duration left = queryTimeout.minusNanos(waited);
    // A read that waited the whole timeout still gets a moment: it answers partial, not nothing.
    return Deadline.after(left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left);
  }
}
