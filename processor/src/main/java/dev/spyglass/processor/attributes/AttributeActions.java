package dev.spyglass.processor.attributes;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Applies a list of {@link ActionConfig}s, in order, to a list of attributes. */
public final class AttributeActions {
  private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

  private record Compiled(
      ActionConfig config, String action, Pattern pattern, List<String> groups) {}

  private final List<Compiled> actions;

  public AttributeActions(List<ActionConfig> actions) {
    this.actions =
        actions.stream()
            .map(
                a -> {
                  Pattern pattern = a.pattern() == null ? null : Pattern.compile(a.pattern());
                  List<String> groups = new ArrayList<>();
                  if (a.pattern() != null) {
                    Matcher names = GROUP_NAME.matcher(a.pattern());
                    while (names.find()) {
                      groups.add(names.group(1));
                    }
                  }
                  return new Compiled(a, a.action().toLowerCase(Locale.ROOT), pattern, groups);
                })
            .toList();
  }

  /** Validates every action; {@code path} is where the list sits in the config. */
  public static void validate(List<ActionConfig> actions, String path) {
    for (int i = 0; i < actions.size(); i++) {
      actions.get(i).validate(path + "." + i);
    }
  }

  public List<KeyValue> apply(List<KeyValue> attributes) {
    Map<String, AnyValue> map = new LinkedHashMap<>();
    for (KeyValue attribute : attributes) {
      map.put(attribute.getKey(), attribute.getValue());
    }
    for (Compiled action : actions) {
      ActionConfig config = action.config();
      switch (action.action()) {
        case "insert" -> value(config, map).ifPresent(v -> map.putIfAbsent(config.key(), v));
        case "update" -> {
          if (map.containsKey(config.key())) {
            value(config, map).ifPresent(v -> map.put(config.key(), v));
          }
        }
        case "upsert" -> value(config, map).ifPresent(v -> map.put(config.key(), v));
        case "delete" -> map.keySet().removeIf(key -> matches(action, key));
        case "hash" -> map.replaceAll((key, v) -> matches(action, key) ? hash(v) : v);
        case "extract" -> {
          AnyValue source = map.get(config.key());
          if (source != null && source.hasStringValue()) {
            Matcher matcher = action.pattern().matcher(source.getStringValue());
            if (matcher.find()) {
              for (String group : action.groups()) {
                String extracted = matcher.group(group);
                if (extracted != null) {
                  map.put(group, AnyValue.newBuilder().setStringValue(extracted).build());
                }
              }
            }
          }
        }
        case "convert" -> {
          AnyValue current = map.get(config.key());
          if (current != null) {
            AnyValue converted = convert(current, config.convertedType());
            if (converted != null) {
              map.put(config.key(), converted);
            }
          }
        }
        default -> throw new IllegalStateException("unknown action " + action.action());
      }
    }
    List<KeyValue> out = new ArrayList<>(map.size());
    map.forEach((key, value) -> out.add(KeyValue.newBuilder().setKey(key).setValue(value).build()));
    return out;
  }

  private static boolean matches(Compiled action, String key) {
    return action.pattern() != null
        ? action.pattern().matcher(key).matches()
        : key.equals(action.config().key());
  }

  private static java.util.Optional<AnyValue> value(
      ActionConfig config, Map<String, AnyValue> map) {
    if (config.fromAttribute() != null) {
      return java.util.Optional.ofNullable(map.get(config.fromAttribute()));
    }
    return java.util.Optional.of(toAnyValue(config.value()));
  }

  static AnyValue toAnyValue(Object value) {
    return switch (value) {
      case Boolean b -> AnyValue.newBuilder().setBoolValue(b).build();
      case Integer i -> AnyValue.newBuilder().setIntValue(i).build();
      case Long l -> AnyValue.newBuilder().setIntValue(l).build();
      case Number n -> AnyValue.newBuilder().setDoubleValue(n.doubleValue()).build();
      default -> AnyValue.newBuilder().setStringValue(String.valueOf(value)).build();
    };
  }

  static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case BYTES_VALUE -> HexFormat.of().formatHex(value.getBytesValue().toByteArray());
      default -> value.toString();
    };
  }

  /** SHA-256 of the value's text, as lower-case hex (the Collector's {@code hash} action). */
  static AnyValue hash(AnyValue value) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text(value).getBytes(StandardCharsets.UTF_8));
      return AnyValue.newBuilder().setStringValue(HexFormat.of().formatHex(digest)).build();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static AnyValue convert(AnyValue value, String type) {
    String text = text(value);
    try {
      return switch (type) {
        case "int" ->
            value.hasDoubleValue()
                ? AnyValue.newBuilder().setIntValue((long) value.getDoubleValue()).build()
                : value.hasBoolValue()
                    ? AnyValue.newBuilder().setIntValue(value.getBoolValue() ? 1 : 0).build()
                    : AnyValue.newBuilder().setIntValue(Long.parseLong(text.strip())).build();
        case "double" ->
            AnyValue.newBuilder().setDoubleValue(Double.parseDouble(text.strip())).build();
        default -> AnyValue.newBuilder().setStringValue(text).build();
      };
    } catch (NumberFormatException e) {
      return null; // as the Collector: a value that does not convert is left as it is
    }
  }
}
