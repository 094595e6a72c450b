package dev.spyglass.pipeline.component;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A component's id as written in configuration: its {@code type}, optionally followed by {@code /}
 * and a name that tells two instances of one type apart ({@code otlp}, {@code otlp/internal}).
 *
 * @param type the factory's type, e.g. {@code otlp}
 * @param name the instance name; empty when the id is the bare type
 */
public record ComponentId(String type, String name) {
  private static final Pattern TYPE = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,62}");
  private static final Pattern NAME = Pattern.compile("[^\\s/]{0,1024}");

  public ComponentId {
    requireNonNull(type, "type");
    requireNonNull(name, "name");
    if (!TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException(
          "invalid component type '"
              + type
              + "': expected a letter followed by letters, digits or '_'");
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "invalid component name '" + name + "': it must not contain spaces or '/'");
    }
  }

  /** Parses {@code type} or {@code type/name}. */
  public static ComponentId parse(String id) {
    requireNonNull(id, "id");
    int slash = id.indexOf('/');
    if (slash < 0) {
      return new ComponentId(id.strip(), "");
    }
    String name = id.substring(slash + 1).strip();
    if (name.isEmpty()) {
      throw new IllegalArgumentException("invalid component id '" + id + "': empty name after '/'");
    }
    return new ComponentId(id.substring(0, slash).strip(), name);
  }

  /** The bare-type id {@code type}. */
  public static ComponentId of(String type) {
    return new ComponentId(type, "");
  }

  @Override
  public String toString() {
    return name.isEmpty() ? type : type + "/" + name;
  }
}
