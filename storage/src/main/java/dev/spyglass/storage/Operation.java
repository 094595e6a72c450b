package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

/**
 * An operation of a service: a span name and a kind it was seen with.
 *
 * @param name the span name
 * @param spanKind as {@link SpanKinds#name} writes it: {@code server}, {@code client}, …
 */
public record Operation(String name, String spanKind) {
  public Operation {
    requireNonNull(name, "name");
    requireNonNull(spanKind, "spanKind");
  }
}
