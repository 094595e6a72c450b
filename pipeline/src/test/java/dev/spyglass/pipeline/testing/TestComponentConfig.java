package dev.spyglass.pipeline.testing;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;

/**
 * The configuration of every test component.
 *
 * @param failStart when true, {@code start} throws
 * @param tag a label the test processor appends to what it saw, so chains can be checked
 */
public record TestComponentConfig(boolean failStart, String tag) implements ComponentConfig {

  @Override
  public void validate() {
    if (tag.contains(" ")) {
      throw new InvalidConfigException("tag", "must not contain spaces");
    }
  }
}
