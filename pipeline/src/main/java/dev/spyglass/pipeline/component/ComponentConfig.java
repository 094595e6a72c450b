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

  /**
   * The other components this configuration names; the service checks that each exists, is of the
   * named type and will run, before it starts anything. None by default.
   */
  default java.util.List<ComponentReference> references() {
    return java.util.List.of();
  }
}
