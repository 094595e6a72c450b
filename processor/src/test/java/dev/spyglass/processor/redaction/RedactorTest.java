package dev.spyglass.processor.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The built-in patterns against a corpus of secrets (all masked) and look-alikes (none masked). */
class RedactorTest {
  private final Redactor redactor =
      new Redactor(
          new RedactionConfig(
              true,
              List.of(),
              List.of(),
              List.of(),
              List.of("credit_card", "email", "bearer_token", "jwt", "aws_access_key"),
              "none",
              "info"));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "card 4111111111111111 charged",
        "card 4111 1111 1111 1111 charged",
        "amex 378282246310005",
        "mastercard 5555-5555-5555-4444",
        "mail jane.doe+shop@example.co.uk today",
        "Authorization: Bearer abcdef0123456789.token",
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "key AKIAIOSFODNN7EXAMPLE in env",
        "temporary ASIAY34FZKBOKMUTVV7A key"
      })
  void secrets_areMasked(String text) {
    String masked = redactor.mask(text);
    assertThat(masked).contains("****");
    assertThat(masked)
        .doesNotContain(
            "4111111111111111",
            "1111 1111",
            "378282246310005",
            "5555-5555",
            "jane.doe",
            "abcdef0123456789",
            "eyJzdWIi",
            "AKIAIOSFODNN7EXAMPLE",
            "ASIAY34FZKBOKMUTVV7A");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "order 4111111111111112 shipped",
        "invoice 1234567890123456",
        "phone 0049 30 1234567",
        "at the bearer of bad news",
        "AKIA123 too short",
        "user@localhost has no domain",
        "version 1.2.3.4 released"
      })
  void lookAlikes_areLeftAlone(String text) {
    assertThat(redactor.mask(text)).isEqualTo(text);
  }
}
