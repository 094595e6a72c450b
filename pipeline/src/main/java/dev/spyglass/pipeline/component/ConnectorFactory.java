package dev.spyglass.pipeline.component;

import dev.spyglass.pipeline.Signal;
import java.util.Set;

/** Makes connectors of one type. One instance serves every pipeline that names it. */
public interface ConnectorFactory<C extends ComponentConfig> extends ComponentFactory<C> {

  /** The signals it takes, as the exporter of a pipeline. */
  Set<Signal> consumes();

  /** The signals it produces, as the receiver of a pipeline. */
  Set<Signal> produces();

  /** A connector sending what it produces to {@code next}. */
  Connector create(ComponentSettings settings, C config, Consumers next);
}
