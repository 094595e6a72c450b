package dev.spyglass.processor.tailsampling;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Configuration of {@code tail_sampling}, shaped as the Collector's.
 *
 * @param decisionWait how long after a trace's first span the decision is made; default 30s
 * @param numTraces the most traces held undecided; beyond, the oldest is decided early
 * @param policies a trace is kept when any policy keeps it
 */
public record TailSamplingConfig(Duration decisionWait, int numTraces, List<PolicyConfig> policies)
    implements ComponentConfig {

  /**
   * One policy: {@code name}, {@code type}, and the settings block named after its type.
   *
   * @param type always_sample, status_code, latency, string_attribute, numeric_attribute,
   *     probabilistic, rate_limiting, and, composite
   */
  public record PolicyConfig(
      String name,
      String type,
      StatusCode statusCode,
      Latency latency,
      StringAttribute stringAttribute,
      NumericAttribute numericAttribute,
      Probabilistic probabilistic,
      RateLimiting rateLimiting,
      And and,
      Composite composite) {}

  public record StatusCode(List<String> statusCodes) {}

  public record Latency(Long thresholdMs, Long upperThresholdMs) {}

  public record StringAttribute(
      String key, List<String> values, Boolean enabledRegexMatching, Boolean invertMatch) {}

  public record NumericAttribute(
      String key, Double minValue, Double maxValue, Boolean invertMatch) {}

  public record Probabilistic(Double samplingPercentage, String hashSalt) {}

  public record RateLimiting(Long spansPerSecond) {}

  public record And(List<PolicyConfig> andSubPolicy) {}

  /**
   * @param rateAllocation per sub-policy: {@code policy} and {@code percent} of the total
   */
  public record Composite(
      Long maxTotalSpansPerSecond,
      List<String> policyOrder,
      List<PolicyConfig> compositeSubPolicy,
      List<Map<String, Object>> rateAllocation) {}

  public TailSamplingConfig {
    policies = policies == null ? List.of() : List.copyOf(policies);
  }

  @Override
  public void validate() {
    if (decisionWait.isNegative() || decisionWait.isZero()) {
      throw new InvalidConfigException("decision_wait", "must be positive");
    }
    if (numTraces < 1) {
      throw new InvalidConfigException("num_traces", "must be at least 1");
    }
    if (policies.isEmpty()) {
      throw new InvalidConfigException("policies", "at least one policy is required");
    }
    for (int i = 0; i < policies.size(); i++) {
      Policies.compile(policies.get(i), "policies." + i);
    }
  }
}
