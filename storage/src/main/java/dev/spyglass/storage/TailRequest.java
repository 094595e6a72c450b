package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;

/**
 * A live tail: records of {@code signal} matching {@code query} (Lucene syntax, as {@link
 * SearchRequest#query()}), handed over as the store acknowledges them.
 */
public record TailRequest(Signal signal, String query) {
  public TailRequest {
    requireNonNull(signal, "signal");
    requireNonNull(query, "query");
  }
}
