package dev.spyglass.processor.attributes;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.util.List;

/** Configuration of {@code resource}: actions on resource attributes, as the Collector's. */
public record ResourceConfig(List<ActionConfig> attributes) implements ComponentConfig {

  public ResourceConfig {
    attributes = attributes == null ? List.of() : List.copyOf(attributes);
  }

  @Override
  public void validate() {
    if (attributes.isEmpty()) {
      throw new InvalidConfigException("attributes", "at least one action is required");
    }
    AttributeActions.validate(attributes, "attributes");
  }
}
