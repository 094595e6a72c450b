package dev.spyglass.pipeline.component;

import dev.spyglass.pipeline.Signal;
import java.util.Set;

/** Makes exporters of one type. One exporter instance serves every pipeline that names it. */
public interface ExporterFactory<C extends ComponentConfig> extends ComponentFactory<C> {

  /** The signals this type can export. */
  Set<Signal> signals();

  /** An exporter for every signal in {@link #signals()}. */
  Exporter create(ComponentSettings settings, C config);
}
