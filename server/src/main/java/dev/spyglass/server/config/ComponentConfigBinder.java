package dev.spyglass.server.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.Endpoint;
import dev.spyglass.pipeline.component.GoDuration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Binds one component's section of the document into its configuration record, over the factory's
 * defaults, the way the Collector unmarshals onto its default config: keys the user wrote replace
 * the defaults, nested mappings merge, everything else keeps its default. YAML keys are the record
 * components' names in snake_case.
 */
final class ComponentConfigBinder {
  private final JsonMapper mapper;

  ComponentConfigBinder() {
    SimpleModule values = new SimpleModule("spyglass-config-values");
    values.addDeserializer(
        Duration.class, new StringValueDeserializer<>(Duration.class, GoDuration::parse));
    values.addSerializer(Duration.class, new StringValueSerializer<>(GoDuration::format));
    values.addDeserializer(
        Endpoint.class, new StringValueDeserializer<>(Endpoint.class, Endpoint::parse));
    values.addSerializer(Endpoint.class, new StringValueSerializer<>(Endpoint::toString));
    mapper =
        JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .addModule(values)
            .build();
  }

  /** Thrown with the path (relative to the component) and a message for the user. */
  static final class BindingException extends Exception {
    private static final long serialVersionUID = 1L;
    final transient List<Object> path;
    final boolean atKey;

    BindingException(List<Object> path, boolean atKey, String message) {
      super(message, null, false, false);
      this.path = path;
      this.atKey = atKey;
    }
  }

  /** {@code user} (the component's section; null or missing means all defaults) over defaults. */
  <C extends ComponentConfig> C bind(JsonNode user, C defaults, Class<C> type)
      throws BindingException {
    JsonNode merged = mapper.valueToTree(defaults);
    if (user != null && !user.isNull()) {
      if (!user.isObject()) {
        throw new BindingException(List.of(), false, "expected a mapping of settings");
      }
      merge((ObjectNode) merged, (ObjectNode) user);
    }
    try {
      return mapper.treeToValue(merged, type);
    } catch (JsonMappingException e) {
      throw describe(e, merged);
    } catch (IOException | IllegalArgumentException e) {
      throw new BindingException(List.of(), false, e.getMessage());
    }
  }

  private static void merge(ObjectNode target, ObjectNode overlay) {
    overlay
        .properties()
        .forEach(
            entry -> {
              JsonNode value = entry.getValue();
              JsonNode existing = target.get(entry.getKey());
              if (value.isNull()) {
                // A section written with no settings ("grpc:") is on, with its defaults.
                if (existing == null || existing.isNull()) {
                  target.set(entry.getKey(), target.objectNode());
                }
                return;
              }
              if (value.isObject() && existing != null && existing.isObject()) {
                ObjectNode copy = ((ObjectNode) existing).deepCopy();
                merge(copy, (ObjectNode) value);
                target.set(entry.getKey(), copy);
              } else {
                target.set(entry.getKey(), value);
              }
            });
  }

  private static BindingException describe(JsonMappingException e, JsonNode merged) {
    List<Object> path = new ArrayList<>();
    for (JsonMappingException.Reference reference : e.getPath()) {
      path.add(reference.getIndex() >= 0 ? reference.getIndex() : reference.getFieldName());
    }
    if (e instanceof UnrecognizedPropertyException unknown) {
      return new BindingException(
          path,
          true,
          "unknown key '"
              + unknown.getPropertyName()
              + "'; expected one of: "
              + known(unknown.getKnownPropertyIds()));
    }
    if (e instanceof ValueInstantiationException
        || e.getCause() instanceof IllegalArgumentException) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      return new BindingException(path, false, cause.getMessage());
    }
    if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
      Class<?> target = ((MismatchedInputException) e).getTargetType();
      JsonNode actual = merged.at(pointer(path));
      return new BindingException(
          path, false, "expected " + describe(target) + ", got " + describeValue(actual));
    }
    return new BindingException(path, false, e.getOriginalMessage());
  }

  private static String pointer(List<Object> path) {
    StringBuilder out = new StringBuilder();
    for (Object element : path) {
      out.append('/').append(element.toString().replace("~", "~0").replace("/", "~1"));
    }
    return out.toString();
  }

  private static String known(Collection<Object> ids) {
    return ids.stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "another type of value";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == double.class || type == Double.class || type == float.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Duration.class) {
      return "a duration such as 10s, 500ms or 1m30s";
    }
    if (type == Endpoint.class) {
      return "an endpoint host:port, e.g. 127.0.0.1:4317";
    }
    if (type.isEnum()) {
      return "one of: "
          + Arrays.stream(type.getEnumConstants())
              .map(c -> c.toString().toLowerCase(java.util.Locale.ROOT))
              .collect(Collectors.joining(", "));
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping";
    }
    return "a " + type.getSimpleName();
  }

  private static String describeValue(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case OBJECT -> "a mapping";
      case ARRAY -> "a list";
      case STRING -> "'" + node.asText() + "'";
      case NULL -> "null";
      default -> node.toString();
    };
  }

  private static final class StringValueDeserializer<T> extends JsonDeserializer<T> {
    private final Class<T> type;
    private final java.util.function.Function<String, T> parse;

    StringValueDeserializer(Class<T> type, java.util.function.Function<String, T> parse) {
      this.type = type;
      this.parse = parse;
    }

    @Override
    public Class<?> handledType() {
      return type;
    }

    @Override
    public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (parser.currentToken() != JsonToken.VALUE_STRING) {
        return context.reportInputMismatch(
            type, "expected a string, got %s", parser.currentToken());
      }
      try {
        return parse.apply(parser.getText());
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(parser, e.getMessage(), e);
      }
    }
  }

  private static final class StringValueSerializer<T> extends JsonSerializer<T> {
    private final java.util.function.Function<T, String> format;

    StringValueSerializer(java.util.function.Function<T, String> format) {
      this.format = format;
    }

    @Override
    public void serialize(T value, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      generator.writeString(format.apply(value));
    }
  }
}
