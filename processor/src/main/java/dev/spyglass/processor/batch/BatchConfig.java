package dev.spyglass.processor.batch;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.time.Duration;

/**
 * Configuration of {@code batch}, as the Collector's.
 *
 * @param sendBatchSize items (spans, data points, log records) that trigger a send; default 8192
 * @param timeout the longest a non-empty batch waits; default 200ms
 * @param sendBatchMaxSize the most items in one sent batch; 0 for no limit (a single request larger
 *     than this is sent alone, never split)
 */
public record BatchConfig(int sendBatchSize, Duration timeout, int sendBatchMaxSize)
    implements ComponentConfig {

  @Override
  public void validate() {
    if (sendBatchSize < 1) {
      throw new InvalidConfigException("send_batch_size", "must be at least 1");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new InvalidConfigException("timeout", "must be positive");
    }
    if (sendBatchMaxSize != 0 && sendBatchMaxSize < sendBatchSize) {
      throw new InvalidConfigException(
          "send_batch_max_size", "must be 0 or at least send_batch_size (" + sendBatchSize + ")");
    }
  }
}
