package dev.spyglass.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaskingTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "terminating|terminating",
        "3579|<*>",
        "-42|<*>",
        "0.75|<*>",
        "blk_-6952295868487656571|blk_<*>",
        "10.251.73.220:50010|<*>:<*>",
        "/10.250.19.102:54106|/<*>:<*>",
        "rhost=218.188.2.4|rhost=<*>",
        "0x24ede63a01b003b,|<*>,",
        "Token{1d3f6b3|Token{<*>",
        "10000ms|<*>ms",
        "07:07:00|<*>:<*>:<*>",
        "ssh2|ssh2",
        "u0|u0",
        "e820|e820",
        "Jun|<*>",
        "[Sun|[<*>",
        "uid=0|uid=<*>",
        "82-252-162-81.adsl|<*>-<*>-<*>-<*>.adsl",
      })
  void masksObviousVariables(String word, String masked) {
    assertThat(Masking.mask(word)).isEqualTo(masked);
  }
}
