package dev.spyglass.processor.tailsampling;

import com.google.protobuf.ByteString;
import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.processor.tailsampling.TailSamplingConfig.PolicyConfig;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Compiles tail-sampling policies; each decides whether a whole trace is kept. */
final class Policies {
  private Policies() {}

  /** A span of a held trace, with its resource, scope and tenant. */
  record HeldSpan(
      Resource resource,
      io.opentelemetry.proto.common.v1.InstrumentationScope scope,
      Span span,
      java.util.Optional<String> tenant) {}

  /** A decision about a whole trace. */
  interface Policy {
    boolean sample(ByteString traceId, List<HeldSpan> spans);
  }

  static Policy compile(PolicyConfig config, String path) {
    return compile(config, path, System::nanoTime);
  }

  static Policy compile(PolicyConfig config, String path, LongSupplier nanoClock) {
    String type = config.type() == null ? "" : config.type();
    return switch (type) {
      case "always_sample" -> (id, spans) -> true;
      case "status_code" -> statusCode(require(config.statusCode(), path, type), path);
      case "latency" -> latency(require(config.latency(), path, type), path);
      case "string_attribute" ->
          stringAttribute(require(config.stringAttribute(), path, type), path);
      case "numeric_attribute" ->
          numericAttribute(require(config.numericAttribute(), path, type), path);
      case "probabilistic" -> probabilistic(require(config.probabilistic(), path, type), path);
      case "rate_limiting" -> {
        var settings = require(config.rateLimiting(), path, type);
        if (settings.spansPerSecond() == null || settings.spansPerSecond() < 1) {
          throw new InvalidConfigException(
              path + ".rate_limiting.spans_per_second", "must be at least 1");
        }
        yield new RateLimit(settings.spansPerSecond(), nanoClock);
      }
      case "and" -> {
        var settings = require(config.and(), path, type);
        if (settings.andSubPolicy() == null || settings.andSubPolicy().isEmpty()) {
          throw new InvalidConfigException(
              path + ".and.and_sub_policy", "at least one sub-policy is required");
        }
        List<Policy> all = new ArrayList<>();
        for (int i = 0; i < settings.andSubPolicy().size(); i++) {
          all.add(
              compile(
                  settings.andSubPolicy().get(i), path + ".and.and_sub_policy." + i, nanoClock));
        }
        yield (id, spans) -> all.stream().allMatch(p -> p.sample(id, spans));
      }
      case "composite" -> composite(require(config.composite(), path, type), path, nanoClock);
      default ->
          throw new InvalidConfigException(
              path + ".type",
              "unknown policy type '"
                  + type
                  + "'; expected always_sample, status_code, latency, string_attribute,"
                  + " numeric_attribute, probabilistic, rate_limiting, and or composite");
    };
  }

  private static <T> T require(T settings, String path, String type) {
    if (settings == null) {
      throw new InvalidConfigException(
          path + "." + type, "a " + type + " policy needs its '" + type + "' settings");
    }
    return settings;
  }

  private static Policy statusCode(TailSamplingConfig.StatusCode settings, String path) {
    if (settings.statusCodes() == null || settings.statusCodes().isEmpty()) {
      throw new InvalidConfigException(
          path + ".status_code.status_codes", "give at least one of ERROR, OK, UNSET");
    }
    Set<Integer> codes =
        settings.statusCodes().stream()
            .map(
                code ->
                    switch (code.toUpperCase(Locale.ROOT)) {
                      case "UNSET" -> 0;
                      case "OK" -> 1;
                      case "ERROR" -> 2;
                      default ->
                          throw new InvalidConfigException(
                              path + ".status_code.status_codes",
                              "unknown status code '" + code + "'");
                    })
            .collect(Collectors.toSet());
    return (id, spans) ->
        spans.stream().anyMatch(s -> codes.contains(s.span().getStatus().getCodeValue()));
  }

  private static Policy latency(TailSamplingConfig.Latency settings, String path) {
    if (settings.thresholdMs() == null || settings.thresholdMs() < 0) {
      throw new InvalidConfigException(
          path + ".latency.threshold_ms", "is required and must not be negative");
    }
    long lower = settings.thresholdMs() * 1_000_000L;
    long upper =
        settings.upperThresholdMs() == null
            ? Long.MAX_VALUE
            : settings.upperThresholdMs() * 1_000_000L;
    return (id, spans) -> {
      long start = spans.stream().mapToLong(s -> s.span().getStartTimeUnixNano()).min().orElse(0);
      long end = spans.stream().mapToLong(s -> s.span().getEndTimeUnixNano()).max().orElse(0);
      long duration = end - start;
      return duration >= lower && duration <= upper;
    };
  }

  private static Policy stringAttribute(TailSamplingConfig.StringAttribute settings, String path) {
    if (settings.key() == null || settings.values() == null || settings.values().isEmpty()) {
      throw new InvalidConfigException(path + ".string_attribute", "needs key and values");
    }
    boolean regex = Boolean.TRUE.equals(settings.enabledRegexMatching());
    List<Pattern> patterns =
        regex ? settings.values().stream().map(Pattern::compile).toList() : List.of();
    Set<String> values = Set.copyOf(settings.values());
    boolean invert = Boolean.TRUE.equals(settings.invertMatch());
    return (id, spans) -> {
      boolean found =
          spans.stream()
              .anyMatch(
                  s ->
                      matches(s.span().getAttributesList(), settings.key(), values, patterns, regex)
                          || matches(
                              s.resource().getAttributesList(),
                              settings.key(),
                              values,
                              patterns,
                              regex));
      return invert != found;
    };
  }

  private static boolean matches(
      List<KeyValue> attributes,
      String key,
      Set<String> values,
      List<Pattern> patterns,
      boolean regex) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals(key) && attribute.getValue().hasStringValue()) {
        String value = attribute.getValue().getStringValue();
        if (regex
            ? patterns.stream().anyMatch(p -> p.matcher(value).matches())
            : values.contains(value)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Policy numericAttribute(
      TailSamplingConfig.NumericAttribute settings, String path) {
    if (settings.key() == null) {
      throw new InvalidConfigException(path + ".numeric_attribute.key", "is required");
    }
    double min = settings.minValue() == null ? Double.NEGATIVE_INFINITY : settings.minValue();
    double max = settings.maxValue() == null ? Double.POSITIVE_INFINITY : settings.maxValue();
    boolean invert = Boolean.TRUE.equals(settings.invertMatch());
    return (id, spans) -> {
      boolean found =
          spans.stream()
              .flatMap(s -> s.span().getAttributesList().stream())
              .filter(kv -> kv.getKey().equals(settings.key()))
              .map(KeyValue::getValue)
              .anyMatch(v -> number(v) >= min && number(v) <= max);
      return invert != found;
    };
  }

  private static double number(AnyValue value) {
    return value.hasIntValue()
        ? value.getIntValue()
        : value.hasDoubleValue() ? value.getDoubleValue() : Double.NaN;
  }

  private static Policy probabilistic(TailSamplingConfig.Probabilistic settings, String path) {
    double percentage = settings.samplingPercentage() == null ? -1 : settings.samplingPercentage();
    if (percentage < 0 || percentage > 100) {
      throw new InvalidConfigException(
          path + ".probabilistic.sampling_percentage", "must be between 0 and 100");
    }
    byte[] salt =
        (settings.hashSalt() == null ? "" : settings.hashSalt()).getBytes(StandardCharsets.UTF_8);
    // FNV-1a 64 over salt and trace id against a threshold of percentage × 2^64.
    double threshold = percentage / 100.0;
    return (id, spans) -> {
      long hash = 0xcbf29ce484222325L;
      for (byte b : salt) {
        hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
      }
      for (byte b : id.toByteArray()) {
        hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
      }
      double unit = (hash >>> 11) / (double) (1L << 53);
      return unit < threshold;
    };
  }

  /** Keeps traces while the spans kept this second stay within the budget. */
  static final class RateLimit implements Policy {
    private final long perSecond;
    private final LongSupplier clock;
    private long second = Long.MIN_VALUE;
    private long spent;

    RateLimit(long perSecond, LongSupplier clock) {
      this.perSecond = perSecond;
      this.clock = clock;
    }

    @Override
    public synchronized boolean sample(ByteString traceId, List<HeldSpan> spans) {
      long now = clock.getAsLong() / 1_000_000_000L;
      if (now != second) {
        second = now;
        spent = 0;
      }
      if (spent + spans.size() > perSecond) {
        return false;
      }
      spent += spans.size();
      return true;
    }
  }

  private static Policy composite(
      TailSamplingConfig.Composite settings, String path, LongSupplier clock) {
    if (settings.maxTotalSpansPerSecond() == null
        || settings.compositeSubPolicy() == null
        || settings.policyOrder() == null) {
      throw new InvalidConfigException(
          path + ".composite",
          "needs max_total_spans_per_second, policy_order and composite_sub_policy");
    }
    Map<String, PolicyConfig> byName = new LinkedHashMap<>();
    settings.compositeSubPolicy().forEach(p -> byName.put(p.name(), p));
    Map<String, Double> percent = new LinkedHashMap<>();
    if (settings.rateAllocation() != null) {
      for (Map<String, Object> allocation : settings.rateAllocation()) {
        percent.put(
            String.valueOf(allocation.get("policy")),
            ((Number) allocation.get("percent")).doubleValue());
      }
    }
    List<Policy> ordered = new ArrayList<>();
    for (int i = 0; i < settings.policyOrder().size(); i++) {
      String name = settings.policyOrder().get(i);
      PolicyConfig sub = byName.get(name);
      if (sub == null) {
        throw new InvalidConfigException(
            path + ".composite.policy_order." + i, "no composite_sub_policy named '" + name + "'");
      }
      Policy policy = compile(sub, path + ".composite.composite_sub_policy." + name, clock);
      double share = percent.getOrDefault(name, 100.0 / settings.policyOrder().size());
      RateLimit budget =
          new RateLimit(
              Math.max(1, (long) (settings.maxTotalSpansPerSecond() * share / 100)), clock);
      ordered.add((id, spans) -> policy.sample(id, spans) && budget.sample(id, spans));
    }
    return (id, spans) -> ordered.stream().anyMatch(p -> p.sample(id, spans));
  }
}
