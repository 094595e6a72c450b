package dev.spyglass.pipeline.component;

/**
 * Makes components of one type, as the Collector's factories do: it names the type, gives the
 * default configuration and creates instances.
 *
 * @param <C> the configuration record
 */
public interface ComponentFactory<C extends ComponentConfig> {

  /** The type as written in configuration, e.g. {@code otlp}, {@code batch}, {@code debug}. */
  String type();

  /** The configuration record's class, which the loader binds YAML into. */
  Class<C> configType();

  /** The configuration used for every key the user leaves out. */
  C defaultConfig();
}
