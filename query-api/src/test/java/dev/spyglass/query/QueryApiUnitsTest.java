package dev.spyglass.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.QueryParams;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryApiUnitsTest {
  private static final long NOW = 1_763_700_000_123_456_789L;
  private final Times times = new Times(() -> NOW);

  @Test
  void times_acceptRfc3339EpochMillisAndRelative() {
    assertThat(times.parse("start", "2025-11-21T04:40:00.123456789Z", 0))
        .isEqualTo(1_763_700_000_123_456_789L);
    assertThat(times.parse("start", "2025-11-21T06:40:00+02:00", 0))
        .isEqualTo(1_763_700_000_000_000_000L);
    assertThat(times.parse("start", "1763700000123", 0)).isEqualTo(1_763_700_000_123_000_000L);
    assertThat(times.parse("start", "now", 0)).isEqualTo(NOW);
    assertThat(times.parse("start", "now-15m", 0)).isEqualTo(NOW - 900_000_000_000L);
    assertThat(times.parse("start", "now-2d", 0)).isEqualTo(NOW - 172_800_000_000_000L);
    // Date math as Elasticsearch and Grafana take it; a '+' in a URL arrives as a space.
    assertThat(times.parse("end", "now+1h", 0)).isEqualTo(NOW + 3_600_000_000_000L);
    assertThat(times.parse("end", "now 1h", 0)).isEqualTo(NOW + 3_600_000_000_000L);
    assertThat(times.parse("start", null, 42)).isEqualTo(42);
    assertThat(Times.format(1_763_700_000_123_456_789L))
        .isEqualTo("2025-11-21T04:40:00.123456789Z");
    assertThat(Times.format(1_763_700_000_000_000_000L)).isEqualTo("2025-11-21T04:40:00Z");
  }

  @Test
  void timeRanges_defaultToTheLastHour_andRefuseAStartAfterTheEnd() {
    assertThat(times.range(new Params(QueryParams.of())))
        .isEqualTo(new Times.Range(NOW - 3_600_000_000_000L, NOW));
    assertThat(times.range(new Params(QueryParams.of("start", "now-5m"))))
        .isEqualTo(new Times.Range(NOW - 300_000_000_000L, NOW));
    assertThatThrownBy(
            () -> times.range(new Params(QueryParams.of("start", "now-1m", "end", "now-2m"))))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("start is after end");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"yesterday", "now-15x", "2025-13-01T00:00:00Z", "now*5m", "99999999999999999999"})
  void times_refuseWhatTheyCannotRead(String text) {
    assertThatThrownBy(() -> times.parse("start", text, 0))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("start='" + text + "'");
  }

  @Test
  void guard_refusesDeepNestingLongQueriesAndExplosiveRegexps() {
    assertThat(QueryGuard.check("(a AND (b OR c))")).isEqualTo("(a AND (b OR c))");
    assertThat(QueryGuard.check("body:\"((((((((((((((((((((((((((((((((((\"")).isNotNull();
    assertThatThrownBy(() -> QueryGuard.check("(".repeat(33) + "a" + ")".repeat(33)))
        .hasMessageContaining("deeper");
    assertThatThrownBy(() -> QueryGuard.check("x".repeat(9000))).hasMessageContaining("limit");
    assertThat(QueryGuard.check("name:/GET \\/cart.*/")).isNotNull();
    assertThat(QueryGuard.check("body:/ab{2,5}c/")).isNotNull();
    assertThatThrownBy(() -> QueryGuard.check("body:/[ab]{1000}/")).hasMessageContaining("repeats");
    assertThatThrownBy(() -> QueryGuard.check("body:/[ab]{10}{10}/"))
        .hasMessageContaining("stacks");
    // A regex anywhere a term may begin: required, prohibited, inside groups.
    for (String hostile :
        List.of(
            "+/[ab]{1000}{1000}/",
            "x -/[ab]{10}{10}/",
            "!/[ab]{1000}/",
            "(a OR (b AND body:/[ab]{1000}/))",
            "a AND /[ab]{10}{10}/")) {
      assertThatThrownBy(() -> QueryGuard.check(hostile))
          .as(hostile)
          .hasMessageContaining("regular expression");
    }
    // Lucene's regexes are automata, not backtracking: (a+)+ is just a+, and allowed.
    assertThat(QueryGuard.check("body:/(a+)+/")).isNotNull();
  }

  @Test
  void jaegerTags_acceptJsonAndLogfmt() {
    assertThat(JaegerApi.tags("{\"error\":\"true\",\"http.status_code\":500}"))
        .containsEntry("error", "true")
        .containsEntry("http.status_code", "500");
    assertThat(JaegerApi.tags("error=true http.method=\"GET x\""))
        .containsEntry("error", "true")
        .containsEntry("http.method", "GET x");
  }

  @Test
  void csvCells_areEscapedPerRfc4180() {
    assertThat(Csv.escape("plain")).isEqualTo("plain");
    assertThat(Csv.escape("a,b")).isEqualTo("\"a,b\"");
    assertThat(Csv.escape("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(Csv.escape("two\nlines")).isEqualTo("\"two\nlines\"");
  }
}
