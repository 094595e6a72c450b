package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A log pattern as it is now (docs/adr/0016): its id, template ({@code <*>} for variable parts),
 * service, every id given at ingest that resolves to it (more than its own once patterns have
 * merged), and the earliest timestamp of its records.
 *
 * @param firstSeenNanos Unix ns; {@link Long#MAX_VALUE} when unknown
 */
public record LogPattern(
    String id, String service, String template, List<String> ids, long firstSeenNanos) {
  /** A record without a pattern (mining off, or not a log). */
  public static final LogPattern NONE = new LogPattern("", "", "", List.of(), Long.MAX_VALUE);

  public LogPattern {
    requireNonNull(id, "id");
    requireNonNull(service, "service");
    requireNonNull(template, "template");
    ids = List.copyOf(ids);
  }

  public boolean isNone() {
    return id.isEmpty();
  }
}
