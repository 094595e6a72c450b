package dev.spyglass.storage;

import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

/**
 * The words a span kind ({@code kind:server}) and a status code ({@code status.code:error}) are
 * indexed as — also what the query API shows, so that what a user reads is what they can search
 * for.
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

  /** {@code ok}, {@code error} or {@code unset}. */
  public static String status(Status.StatusCode code) {
    return switch (code) {
      case STATUS_CODE_OK -> "ok";
      case STATUS_CODE_ERROR -> "error";
      default -> "unset";
    };
  }
}
