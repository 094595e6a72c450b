package dev.spyglass.storage.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.testing.DurablePositionRounds;
import org.junit.jupiter.api.Test;

/** The position OpenSearch confirmed, under simulated power loss (issue 19, docs/adr/0019). */
class ShippedPositionPowerLossTest {
  @Test
  void theShippedPosition_isNeverTorn_norBehindAWriteThatReturned() throws Exception {
    long cut =
        DurablePositionRounds.run(
            dir -> new ShippedPosition(dir).read(),
            (dir, position) -> new ShippedPosition(dir).write(position));
    assertThat(cut).as("rounds in which the power cut came mid-write").isPositive();
  }
}
