package dev.spyglass.processor.memorylimiter;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.time.Duration;

/**
 * Configuration of {@code memory_limiter}, as the Collector's: a hard limit and a spike margin, in
 * MiB or as percentages of the JVM's maximum heap. Above the soft limit (hard − spike) new data is
 * refused as retryable; above the hard limit a garbage collection is also requested.
 *
 * @param checkInterval how often memory is measured; default 1s
 * @param limitMib the hard limit in MiB; 0 when a percentage is used
 * @param spikeLimitMib the margin below the hard limit; 0 for 20% of the limit
 * @param limitPercentage the hard limit as % of the maximum heap; 0 when MiB are used
 * @param spikeLimitPercentage the margin as % of the maximum heap
 */
public record MemoryLimiterConfig(
    Duration checkInterval,
    int limitMib,
    int spikeLimitMib,
    int limitPercentage,
    int spikeLimitPercentage)
    implements ComponentConfig {

  @Override
  public void validate() {
    if (checkInterval.isZero() || checkInterval.isNegative()) {
      throw new InvalidConfigException("check_interval", "must be positive");
    }
    if ((limitMib > 0) == (limitPercentage > 0)) {
      throw new InvalidConfigException(
          "limit_mib", "set exactly one of limit_mib and limit_percentage (a positive number)");
    }
    if (limitMib > 0 && spikeLimitMib >= limitMib) {
      throw new InvalidConfigException("spike_limit_mib", "must be less than limit_mib");
    }
    if (limitPercentage > 100 || spikeLimitPercentage >= Math.max(limitPercentage, 1)) {
      throw new InvalidConfigException(
          "limit_percentage", "must be at most 100, and spike_limit_percentage less than it");
    }
  }

  /** The hard limit in bytes for a heap of {@code maxHeap} bytes. */
  long hardLimit(long maxHeap) {
    return limitMib > 0 ? (long) limitMib << 20 : maxHeap * limitPercentage / 100;
  }

  /** The soft limit in bytes: the hard limit less the spike margin. */
  long softLimit(long maxHeap) {
    long hard = hardLimit(maxHeap);
    long spike =
        limitMib > 0
            ? (spikeLimitMib > 0 ? (long) spikeLimitMib << 20 : hard / 5)
            : (spikeLimitPercentage > 0 ? maxHeap * spikeLimitPercentage / 100 : hard / 5);
    return hard - spike;
  }
}
