package dev.spyglass.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlDocumentTest {
  private static final Map<String, String> ENV =
      Map.of(
          "BOOL_VALUE", "true",
          "INT_VALUE", "1",
          "FLOAT_VALUE", "1.1",
          "HEX_VALUE", "0xdeadbeef",
          "INVALID_MAP_VALUE", "value\nkey:value",
          "STRING_VALUE", "value");

  private static JsonNode parse(String yaml) {
    return YamlDocument.parse(yaml, "test.yaml", new EnvSubstitution(ENV::get)).root();
  }

  @Test
  void plainScalars_takeTheirTypeAfterSubstitution() {
    JsonNode root =
        parse(
            """
            bool: ${BOOL_VALUE}
            int: ${INT_VALUE}
            float: ${FLOAT_VALUE}
            hex: ${HEX_VALUE}
            empty: ${UNDEFINED:-}
            """);
    assertThat(root.get("bool").isBoolean()).isTrue();
    assertThat(root.get("int").asLong()).isEqualTo(1);
    assertThat(root.get("int").isIntegralNumber()).isTrue();
    assertThat(root.get("float").isDouble()).isTrue();
    assertThat(root.get("hex").asLong()).isEqualTo(3735928559L);
    assertThat(root.get("empty").isNull()).isTrue();
  }

  @Test
  void quotedScalars_stayStrings() {
    JsonNode root =
        parse(
            """
            bool: "${BOOL_VALUE}"
            int: "${INT_VALUE}"
            hex: '${HEX_VALUE}'
            """);
    assertThat(root.get("bool").isTextual()).isTrue();
    assertThat(root.get("int").asText()).isEqualTo("1");
    assertThat(root.get("hex").asText()).isEqualTo("0xdeadbeef");
  }

  @Test
  void substitutionCannotInjectStructure_andKeysAreNotSubstituted() {
    JsonNode root = parse("key: ${INVALID_MAP_VALUE}\n${STRING_VALUE}: value\n");
    assertThat(root.get("key").asText()).isEqualTo("value\nkey:value");
    assertThat(root.has("${STRING_VALUE}")).isTrue();
  }

  @Test
  void errors_pointAtTheLine() {
    YamlDocument document =
        YamlDocument.parse(
            "a:\n  b:\n    - x\n    - y\n", "test.yaml", new EnvSubstitution(ENV::get));
    assertThat(document.error(List.of("a", "b", 1), false, "bad").getMessage())
        .isEqualTo("test.yaml:4:7: a.b[1]: bad");
    assertThat(document.error(List.of("a", "b", 7, "deeper"), false, "bad").line()).isEqualTo(2);
  }

  @Test
  void duplicateKey_isAnError() {
    assertThatThrownBy(() -> parse("a: 1\nb: 2\na: 3\n"))
        .hasMessage("test.yaml:3:1: a: duplicate key 'a'");
  }

  @Test
  void syntaxError_namesTheLine() {
    assertThatThrownBy(() -> parse("a: [1, 2\nb: 3\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yaml:")
        .hasMessageContaining("invalid YAML");
  }

  @Test
  void emptyDocument_isAnEmptyMapping() {
    assertThat(parse("").isObject()).isTrue();
  }
}
