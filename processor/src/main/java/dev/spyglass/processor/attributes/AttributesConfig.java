package dev.spyglass.processor.attributes;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.util.List;

/**
 * Configuration of {@code attributes}: actions on record attributes (span, log record, data point),
 * for the records {@code include} matches and {@code exclude} does not.
 */
public record AttributesConfig(List<ActionConfig> actions, MatchConfig include, MatchConfig exclude)
    implements ComponentConfig {

  public AttributesConfig {
    actions = actions == null ? List.of() : List.copyOf(actions);
  }

  @Override
  public void validate() {
    if (actions.isEmpty()) {
      throw new InvalidConfigException("actions", "at least one action is required");
    }
    AttributeActions.validate(actions, "actions");
    if (include != null) {
      include.validate("include");
    }
    if (exclude != null) {
      exclude.validate("exclude");
    }
  }
}
