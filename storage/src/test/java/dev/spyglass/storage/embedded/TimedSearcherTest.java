package dev.spyglass.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimedSearcherTest {
  private static boolean expands(String query) {
    return TimedSearcher.expandsTerms(dev.spyglass.storage.query.QuerySyntax.parse(query, true));
  }

  @Test
  void expandingQueries_areTold_fromThoseThatLookUpTermsDirectly() {
    assertThat(expands("body:/.*9.*/")).isTrue();
    assertThat(expands("service.name:cart AND body:conn*")).isTrue();
    assertThat(expands("body:reset~1")).isTrue();
    assertThat(expands("name:[a TO m]")).isTrue();
    assertThat(expands("*error")).isTrue();
    assertThat(expands("service.name:cart AND body:\"connection reset\"")).isFalse();
    assertThat(expands("severity_number:>=17 AND -status.code:error")).isFalse();
    assertThat(expands("*")).isFalse();
  }
}
