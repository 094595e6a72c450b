package dev.spyglass.query;

import com.linecorp.armeria.common.HttpStatus;
import dev.spyglass.storage.TelemetryStore;
import java.util.Optional;
import java.util.function.Supplier;

/** Finds the store at request time: it opens after the API starts listening. */
final class Stores {
  private final Supplier<Optional<TelemetryStore>> store;

  Stores(Supplier<Optional<TelemetryStore>> store) {
    this.store = store;
  }

  TelemetryStore get() {
    return store
        .get()
        .orElseThrow(
            () ->
                new ApiException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "no store is open (is a pipeline exporting to 'spyglass', and has it started?)"));
  }
}
