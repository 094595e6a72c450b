package dev.spyglass.storage;

import io.opentelemetry.proto.trace.v1.Span;

/**
 * The word a span kind is indexed as ({@code kind:server}) — also what the query API shows, so that
 * what a user reads is what they can search for.
 */
public final class SpanKinds {
  private SpanKinds() {}

  public static String name(Span.SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_INTERNAL -> "internal";
      case SPAN_KIND_SERVER -> "server";
      case SPAN_KIND_CLIENT -> "client";
      case SPAN_KIND_PRODUCER -> "producer";
      case SPAN_KIND_CONSUMER -> "consumer";
      default -> "unspecified";
    };
  }
}
