package dev.spyglass.pipeline.component;

import static java.util.Objects.requireNonNull;

/**
 * Whether a component can do its work now, as reported by {@link Component#check()}.
 *
 * @param ready true when the component serves normally
 * @param reason why it is not ready; when ready, an optional detail an operator should know (e.g. a
 *     quarantined WAL segment), usually empty
 */
public record Health(boolean ready, String reason) {
  private static final Health READY = new Health(true, "");

  public Health {
    requireNonNull(reason, "reason");
  }

  /** Ready. */
  public static Health ok() {
    return READY;
  }

  /** Not ready, because of {@code reason} (e.g. "replaying the write-ahead log: 40%"). */
  public static Health notReady(String reason) {
    return new Health(false, reason);
  }
}
