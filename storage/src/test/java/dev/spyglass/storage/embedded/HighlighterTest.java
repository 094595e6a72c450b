package dev.spyglass.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class HighlighterTest {
  @Test
  void highlight_wrapsMatchedTermsOnly_asTheIndexAnalysesThem() {
    assertThat(
            Highlighter.highlight("body", "Connection RESET by peer; reset again", Set.of("reset")))
        .isEqualTo("Connection <em>RESET</em> by peer; <em>reset</em> again");
    assertThat(Highlighter.highlight("body", "reset", Set.of("reset"))).isEqualTo("<em>reset</em>");
    assertThat(Highlighter.highlight("body", "nothing here", Set.of("reset"))).isNull();
    assertThat(Highlighter.highlight("body", "anything", Set.of())).isNull();
  }

  @Test
  void queryTerms_areTheAnalysedTermsOfTheField() {
    assertThat(QueryTerms.of("body:\"Connection RESET\" AND service.name:Cart", "body"))
        .containsExactly("connection", "reset");
    assertThat(QueryTerms.of("service.name:cart", "body")).isEmpty();
  }
}
