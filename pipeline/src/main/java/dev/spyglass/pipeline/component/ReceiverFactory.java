package dev.spyglass.pipeline.component;

import dev.spyglass.pipeline.Signal;
import java.util.Set;

/** Makes receivers of one type. One receiver instance serves every pipeline that names it. */
public interface ReceiverFactory<C extends ComponentConfig> extends ComponentFactory<C> {

  /** The signals this type can receive. */
  Set<Signal> signals();

  /** A receiver that sends what it receives to {@code next}. */
  Receiver create(ComponentSettings settings, C config, Consumers next);
}
