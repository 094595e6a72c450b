package dev.spyglass.pipeline.component;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.TelemetryConsumer;
import java.util.Set;

/** Makes processors of one type; each pipeline that names the type gets its own instance. */
public interface ProcessorFactory<C extends ComponentConfig> extends ComponentFactory<C> {

  /** The signals this type can process. */
  Set<Signal> signals();

  /** A processor for a pipeline of {@code signal}, passing what it keeps to {@code next}. */
  Processor create(ComponentSettings settings, C config, Signal signal, TelemetryConsumer next);
}
