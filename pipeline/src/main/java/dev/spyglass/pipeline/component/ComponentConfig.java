package dev.spyglass.pipeline.component;

/**
 * A component's configuration: a record bound from the component's section of the YAML file, over
 * its factory's {@link ComponentFactory#defaultConfig() default}. Record component names are the
 * YAML keys in lowerCamelCase ({@code limitMib} for {@code limit_mib}).
 */
public interface ComponentConfig {

  /**
   * Checks what binding cannot: ranges, combinations, files that must exist. Throws {@link
   * InvalidConfigException} naming the offending key.
   */
  default void validate() {}
}
