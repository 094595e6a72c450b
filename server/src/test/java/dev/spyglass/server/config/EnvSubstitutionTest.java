package dev.spyglass.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The examples of the OpenTelemetry configuration data model's substitution table. */
class EnvSubstitutionTest {
  private static final Map<String, String> ENV =
      Map.of(
          "STRING_VALUE", "value",
          "BOOL_VALUE", "true",
          "INT_VALUE", "1",
          "FLOAT_VALUE", "1.1",
          "HEX_VALUE", "0xdeadbeef",
          "INVALID_MAP_VALUE", "value\nkey:value",
          "DO_NOT_REPLACE_ME", "Never use this value",
          "REPLACE_ME", "${DO_NOT_REPLACE_ME}",
          "VALUE_WITH_ESCAPE", "value$$",
          "EMPTY", "");

  private final EnvSubstitution substitution = new EnvSubstitution(ENV::get);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "${STRING_VALUE}|value",
        "${env:STRING_VALUE}|value",
        "${INT_VALUE}|1",
        "${HEX_VALUE}|0xdeadbeef",
        "foo ${STRING_VALUE} ${FLOAT_VALUE}|foo value 1.1",
        "${UNDEFINED_KEY:-fallback}|fallback",
        "${EMPTY:-fallback}|fallback",
        "${REPLACE_ME}|${DO_NOT_REPLACE_ME}",
        "${UNDEFINED_KEY:-${STRING_VALUE}}|${STRING_VALUE}",
        "$${STRING_VALUE}|${STRING_VALUE}",
        "$$${STRING_VALUE}|$value",
        "$$$${STRING_VALUE}|$${STRING_VALUE}",
        "$${STRING_VALUE:-fallback}|${STRING_VALUE:-fallback}",
        "$${STRING_VALUE:-${STRING_VALUE}}|${STRING_VALUE:-value}",
        "${UNDEFINED_KEY:-$${UNDEFINED_KEY}}|${UNDEFINED_KEY:-${UNDEFINED_KEY}}",
        "${VALUE_WITH_ESCAPE}|value$$",
        "a $$ b|a $ b",
        "a $ b|a $ b",
        "no references|no references",
      })
  void substitutes_asTheSpecificationSays(String input, String expected) {
    assertThat(substitution.substitute(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"${STRING_VALUE:?error}", "${1API_KEY}", "${API_$KEY}", "${env:}"})
  void invalidReference_isAnError(String input) {
    assertThatThrownBy(() -> substitution.substitute(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid environment variable reference");
  }

  @ParameterizedTest
  @CsvSource({"${UNDEFINED_KEY}", "${env:UNDEFINED_KEY}", "prefix ${UNDEFINED_KEY} suffix"})
  void undefinedVariableWithoutDefault_isAnError(String input) {
    assertThatThrownBy(() -> substitution.substitute(input))
        .hasMessage(
            "environment variable UNDEFINED_KEY is not defined; define it, or give a default with"
                + " ${UNDEFINED_KEY:-default}");
  }

  @org.junit.jupiter.api.Test
  void definedButEmptyWithoutDefault_isEmpty() {
    assertThat(substitution.substitute("[${EMPTY}]")).isEqualTo("[]");
  }

  @org.junit.jupiter.api.Test
  void substitutedStructure_staysText() {
    assertThat(substitution.substitute("${INVALID_MAP_VALUE}")).isEqualTo("value\nkey:value");
  }
}
