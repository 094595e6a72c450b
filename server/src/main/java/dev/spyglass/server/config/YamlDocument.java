package dev.spyglass.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * A YAML configuration file as a Jackson tree, after environment variable substitution, that
 * remembers where in the file every key and value was, so that any later error can name its line.
 *
 * <p>Parsed with the YAML 1.2 core schema. Substitution applies to scalar values only (never keys);
 * a plain scalar's type is resolved after substitution ({@code port: ${PORT}} is a number), a
 * quoted one stays a string, and substituted text cannot inject YAML structure.
 */
final class YamlDocument {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ScalarResolver RESOLVER = new CoreSchema().getScalarResolver();

  private final String source;
  private final JsonNode root;
  private final Map<List<Object>, Mark> valueMarks;
  private final Map<List<Object>, Mark> keyMarks;

  private YamlDocument(
      String source,
      JsonNode root,
      Map<List<Object>, Mark> valueMarks,
      Map<List<Object>, Mark> keyMarks) {
    this.source = source;
    this.root = root;
    this.valueMarks = valueMarks;
    this.keyMarks = keyMarks;
  }

  /**
   * Parses {@code text}; an empty document is an empty mapping.
   *
   * @throws ConfigException for a syntax error, a duplicate key, a non-scalar key or a bad
   *     substitution, with its line
   */
  static YamlDocument parse(String text, String source, EnvSubstitution substitution) {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(source)
            .setSchema(new CoreSchema())
            .setMaxAliasesForCollections(100)
            .setCodePointLimit(16 * 1024 * 1024)
            .build();
    Optional<Node> node;
    try {
      node = new Compose(settings).composeString(text);
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      throw new ConfigException(
          source,
          mark.map(m -> m.getLine() + 1).orElse(0),
          mark.map(m -> m.getColumn() + 1).orElse(0),
          "",
          "invalid YAML: " + e.getProblem());
    } catch (YamlEngineException e) {
      throw new ConfigException(source, 0, 0, "", "invalid YAML: " + e.getMessage());
    }
    Converter converter = new Converter(source, substitution);
    JsonNode root =
        node.map(n -> converter.convert(n, new ArrayList<>())).orElseGet(NODES::objectNode);
    return new YamlDocument(source, root, converter.valueMarks, converter.keyMarks);
  }

  /** The document as a tree: objects, arrays, text, numbers, booleans and nulls. */
  JsonNode root() {
    return root;
  }

  /**
   * An error at character {@code offset} of the text value at {@code path} (an alert rule's {@code
   * expr}): its own column when the value is on one line, else the value's start and the offset in
   * the message.
   */
  ConfigException errorInValue(List<?> path, int offset, String problem) {
    Mark mark = valueMarks.get(path);
    if (mark == null) {
      return error(path, false, problem);
    }
    int[] buffer = mark.getBuffer();
    int index = mark.getIndex();
    int line = mark.getLine() + 1;
    int column = mark.getColumn() + 1;
    if (index < buffer.length && (buffer[index] == '"' || buffer[index] == '\'')) {
      index++;
      column++;
    }
    boolean oneLine = index < buffer.length && buffer[index] != '|' && buffer[index] != '>';
    for (int i = 0; oneLine && i < offset; i++) {
      oneLine = index + i < buffer.length && buffer[index + i] != '\n';
    }
    if (oneLine) {
      return new ConfigException(
          source, line, column + offset, ConfigException.renderPath(path), problem);
    }
    return new ConfigException(
        source,
        line,
        column,
        ConfigException.renderPath(path),
        problem + " (at character " + (offset + 1) + " of the value)");
  }

  /**
   * An error about the value at {@code path} (or, when {@code atKey}, about its key), located at
   * the nearest position the file has for that path.
   */
  ConfigException error(List<?> path, boolean atKey, String problem) {
    Mark mark = atKey ? keyMarks.get(path) : valueMarks.get(path);
    // A value that is not in the file (a missing key) is reported at its nearest parent's key.
    for (int length = path.size(); length >= 0 && mark == null; length--) {
      List<?> prefix = path.subList(0, length);
      mark = keyMarks.containsKey(prefix) ? keyMarks.get(prefix) : valueMarks.get(prefix);
    }
    return new ConfigException(
        source,
        mark == null ? 0 : mark.getLine() + 1,
        mark == null ? 0 : mark.getColumn() + 1,
        ConfigException.renderPath(path),
        problem);
  }

  private static final class Converter {
    private final String source;
    private final EnvSubstitution substitution;
    private final Map<List<Object>, Mark> valueMarks = new HashMap<>();
    private final Map<List<Object>, Mark> keyMarks = new HashMap<>();

    Converter(String source, EnvSubstitution substitution) {
      this.source = source;
      this.substitution = substitution;
    }

    JsonNode convert(Node node, List<Object> path) {
      node.getStartMark().ifPresent(mark -> valueMarks.put(List.copyOf(path), mark));
      return switch (node) {
        case MappingNode mapping -> convertMapping(mapping, path);
        case SequenceNode sequence -> convertSequence(sequence, path);
        case ScalarNode scalar -> convertScalar(scalar, path);
        default -> throw error(node, path, "unsupported YAML node " + node.getNodeType());
      };
    }

    private ObjectNode convertMapping(MappingNode mapping, List<Object> path) {
      ObjectNode object = NODES.objectNode();
      for (NodeTuple tuple : mapping.getValue()) {
        if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
          throw error(tuple.getKeyNode(), path, "keys must be plain strings");
        }
        String key = keyNode.getValue();
        path.add(key);
        if (object.has(key)) {
          throw error(keyNode, path, "duplicate key '" + key + "'");
        }
        keyNode.getStartMark().ifPresent(mark -> keyMarks.put(List.copyOf(path), mark));
        object.set(key, convert(tuple.getValueNode(), path));
        path.removeLast();
      }
      return object;
    }

    private ArrayNode convertSequence(SequenceNode sequence, List<Object> path) {
      ArrayNode array = NODES.arrayNode();
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) {
        path.add(i);
        array.add(convert(items.get(i), path));
        path.removeLast();
      }
      return array;
    }

    private JsonNode convertScalar(ScalarNode scalar, List<Object> path) {
      String value;
      try {
        value = substitution.substitute(scalar.getValue());
      } catch (IllegalArgumentException e) {
        throw error(scalar, path, e.getMessage());
      }
      Tag tag = scalar.isPlain() ? RESOLVER.resolve(value, true) : Tag.STR;
      try {
        return typed(tag, value);
      } catch (NumberFormatException e) {
        return NODES.textNode(value);
      }
    }

    private static JsonNode typed(Tag tag, String value) {
      if (tag.equals(Tag.NULL)) {
        return NODES.nullNode();
      } else if (tag.equals(Tag.BOOL)) {
        return NODES.booleanNode(value.equalsIgnoreCase("true"));
      } else if (tag.equals(Tag.INT)) {
        return integer(value);
      } else if (tag.equals(Tag.FLOAT)) {
        return NODES.numberNode(floating(value));
      }
      return NODES.textNode(value);
    }

    private static JsonNode integer(String value) {
      String digits = value.startsWith("+") ? value.substring(1) : value;
      BigInteger number;
      if (digits.startsWith("0x")) {
        number = new BigInteger(digits.substring(2), 16);
      } else if (digits.startsWith("0o")) {
        number = new BigInteger(digits.substring(2), 8);
      } else {
        number = new BigInteger(digits);
      }
      return number.bitLength() < 64
          ? NODES.numberNode(number.longValue())
          : NODES.numberNode(number);
    }

    private static double floating(String value) {
      String lower = value.toLowerCase(Locale.ROOT);
      return switch (lower) {
        case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
        case "-.inf" -> Double.NEGATIVE_INFINITY;
        case ".nan" -> Double.NaN;
        default -> Double.parseDouble(value);
      };
    }

    private ConfigException error(Node node, List<Object> path, String problem) {
      Optional<Mark> mark = node.getStartMark();
      return new ConfigException(
          source,
          mark.map(m -> m.getLine() + 1).orElse(0),
          mark.map(m -> m.getColumn() + 1).orElse(0),
          ConfigException.renderPath(path),
          problem);
    }
  }
}
