package dev.spyglass.query;

import com.linecorp.armeria.common.HttpStatus;
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

  /** The deadline of a read that starts now. */
  Deadline deadline() {
    return Deadline.after(queryTimeout);
  }
}
