package dev.spyglass.processor.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ProbabilisticSamplerTest {
  private static final byte[] TRACE = HexFormat.of().parseHex("5b8efff798038103d269b633813fc60c");

  /** Reference values computed independently: FNV-1a 32 over little-endian seed + trace id. */
  @Test
  void hash_isTheCollectorsFnv1aOverSeedAndTraceId() {
    assertThat(ProbabilisticSampler.hash(TRACE, 0)).isEqualTo(0x245dd6df);
    assertThat(ProbabilisticSampler.hash(TRACE, 22)).isEqualTo(0xa2a64cc9);
    assertThat(ProbabilisticSampler.hash(TRACE, 0xdeadbeefL)).isEqualTo(0x666dde01);
    assertThat(ProbabilisticSampler.hash(TRACE, 22) & 0x3fff).isEqualTo(3273);
  }
}
