package dev.spyglass.processor.sampling;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;

/**
 * Configuration of {@code probabilistic_sampler}, as the Collector's hash-seed mode.
 *
 * @param samplingPercentage the share of traces (or log records) kept, 0–100
 * @param hashSeed collectors with the same seed keep the same traces
 * @param attributeSource for logs: {@code traceID} (default) or {@code record} (hash {@code
 *     from_attribute}'s value)
 * @param fromAttribute for logs with {@code attribute_source: record}: the attribute to hash
 * @param failClosed drop records that have nothing to hash (no trace id, no attribute); default
 *     true
 */
public record ProbabilisticSamplerConfig(
    double samplingPercentage,
    long hashSeed,
    String attributeSource,
    String fromAttribute,
    boolean failClosed)
    implements ComponentConfig {

  @Override
  public void validate() {
    if (samplingPercentage < 0 || samplingPercentage > 100) {
      throw new InvalidConfigException("sampling_percentage", "must be between 0 and 100");
    }
    if (hashSeed < 0 || hashSeed > 0xFFFF_FFFFL) {
      throw new InvalidConfigException("hash_seed", "must be an unsigned 32-bit number");
    }
    if (!attributeSource.equals("traceID") && !attributeSource.equals("record")) {
      throw new InvalidConfigException("attribute_source", "must be traceID or record");
    }
    if (attributeSource.equals("record") && (fromAttribute == null || fromAttribute.isEmpty())) {
      throw new InvalidConfigException(
          "from_attribute", "is required with attribute_source: record");
    }
  }
}
