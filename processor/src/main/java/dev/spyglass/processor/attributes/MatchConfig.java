package dev.spyglass.processor.attributes;

import dev.spyglass.pipeline.component.InvalidConfigException;
import dev.spyglass.processor.RecordView;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which records an {@code attributes} processor acts on, as the Collector's {@code include} /
 * {@code exclude}: by service name and span name (or metric name), matched {@code strict}ly or as
 * {@code regexp}s. An empty list matches anything.
 *
 * @param matchType {@code strict} (default) or {@code regexp}
 * @param services service names
 * @param spanNames span names (metric names for metrics)
 */
public record MatchConfig(String matchType, List<String> services, List<String> spanNames) {

  public MatchConfig {
    matchType = matchType == null ? "strict" : matchType;
    services = services == null ? List.of() : List.copyOf(services);
    spanNames = spanNames == null ? List.of() : List.copyOf(spanNames);
  }

  void validate(String path) {
    if (!matchType.equals("strict") && !matchType.equals("regexp")) {
      throw new InvalidConfigException(path + ".match_type", "must be strict or regexp");
    }
    if (matchType.equals("regexp")) {
      for (String regex : services) {
        Pattern.compile(regex);
      }
      for (String regex : spanNames) {
        Pattern.compile(regex);
      }
    }
  }

  boolean matches(RecordView view) {
    return matchesAny(services, serviceName(view.resource().getAttributesList()))
        && matchesAny(spanNames, view.name());
  }

  private boolean matchesAny(List<String> candidates, String value) {
    if (candidates.isEmpty()) {
      return true;
    }
    for (String candidate : candidates) {
      if (matchType.equals("regexp")
          ? Pattern.compile(candidate).matcher(value).matches()
          : candidate.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static String serviceName(List<KeyValue> attributes) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals("service.name")) {
        return attribute.getValue().getStringValue();
      }
    }
    return "";
  }
}
