package dev.spyglass.pipeline.component;

/** Makes extensions of one type. */
public interface ExtensionFactory<C extends ComponentConfig> extends ComponentFactory<C> {

  /** An extension with {@code config}. */
  Extension create(ComponentSettings settings, C config);
}
