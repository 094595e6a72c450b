package dev.spyglass.pipeline.component;

/**
 * The lifecycle every receiver, processor, exporter and extension shares, as in the Collector's
 * {@code component.Component}.
 *
 * <p>The service starts components downstream first (extensions, exporters, processors from the
 * last to the first, receivers) and shuts them down in the opposite order, so that data always has
 * somewhere to go.
 */
public interface Component {

  /**
   * Starts the component: bind sockets, open files, start threads. Throws if it cannot start; the
   * service then shuts down what it had started and exits with the message.
   */
  default void start(Host host) {}

  /**
   * Stops the component and returns when it is stopped: a receiver stops accepting, a processor
   * flushes what it holds downstream, an exporter completes or fails every pending batch. Called
   * once, also when {@link #start} failed or never ran.
   */
  default void shutdown() {}

  /** Whether the component is ready now; checked by {@code /readyz}. Must be cheap. */
  default Health check() {
    return Health.ok();
  }
}
