package dev.spyglass.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.testing.DurablePositionRounds;
import org.junit.jupiter.api.Test;

/** The embedded store's checkpoint under simulated power loss (issue 19, docs/adr/0019). */
class CheckpointPowerLossTest {
  @Test
  void theCheckpoint_isNeverTorn_norBehindAWriteThatReturned() throws Exception {
    long cut = DurablePositionRounds.run(Checkpoint::read, Checkpoint::write);
    assertThat(cut).as("rounds in which the power cut came mid-write").isPositive();
  }
}
