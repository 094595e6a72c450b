package dev.spyglass.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spyglass.query.alerts.AlertRule;
import dev.spyglass.query.alerts.Expression;
import dev.spyglass.query.alerts.ExpressionException;
import dev.spyglass.query.alerts.ExpressionParser;
import dev.spyglass.query.alerts.PromDuration;
import dev.spyglass.query.alerts.RuleGroup;
import dev.spyglass.query.alerts.Template;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads alert rule files in Prometheus's shape ({@code groups: [{name, interval, limit, rules:
 * [{alert, expr, for, keep_firing_for, labels, annotations}]}]}, plus Grafana's {@code
 * no_data_state} and {@code exec_err_state}), parsing every expression and template at load. Errors
 * name the file, line and column. No environment substitution: {@code $} belongs to the templates.
 */
public final class RuleFiles {
  private static final Set<String> FILE_KEYS = Set.of("groups");
  private static final Set<String> GROUP_KEYS = Set.of("name", "interval", "limit", "rules");
  private static final Set<String> RULE_KEYS =
      Set.of(
          "alert",
          "expr",
          "for",
          "keep_firing_for",
          "labels",
          "annotations",
          "no_data_state",
          "exec_err_state");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private RuleFiles() {}

  /**
   * Loads every file {@code patterns} name (a pattern's file name may hold {@code *}, {@code ?} or
   * {@code [...]}); groups without an {@code interval} run every {@code defaultInterval}.
   *
   * @throws ConfigException for a file that is missing, unreadable or wrong, with where
   */
  public static List<RuleGroup> load(List<String> patterns, Duration defaultInterval) {
    List<RuleGroup> groups = new ArrayList<>();
    for (String pattern : patterns) {
      for (Path file : files(pattern)) {
        String text;
        try {
          text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
          throw new ConfigException(file.toString(), 0, 0, "", "no such rule file");
        } catch (IOException e) {
          throw new ConfigException(file.toString(), 0, 0, "", "cannot read: " + e.getMessage());
        }
        groups.addAll(parse(text, file.toString(), defaultInterval));
      }
    }
    return groups;
  }

  private static List<Path> files(String pattern) {
    Path path = Path.of(pattern);
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    if (!name.contains("*") && !name.contains("?") && !name.contains("[")) {
      return List.of(path);
    }
    Path dir = path.getParent() == null ? Path.of(".") : path.getParent();
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, name)) {
      entries.forEach(files::add);
    } catch (NoSuchFileException e) {
      return List.of(); // a glob that matches nothing, as Prometheus allows
    } catch (IOException e) {
      throw new ConfigException(pattern, 0, 0, "", "cannot list: " + e.getMessage());
    }
    files.sort(null);
    return files;
  }

  /** Parses one rule file's {@code text}; {@code source} names it in errors. */
  public static List<RuleGroup> parse(String text, String source, Duration defaultInterval) {
    YamlDocument document = YamlDocument.parse(text, source, EnvSubstitution.NONE);
    JsonNode root = document.root();
    ConfigLoader.requireObject(document, root, List.of(), FILE_KEYS);
    JsonNode groupsNode = root.get("groups");
    List<RuleGroup> groups = new ArrayList<>();
    if (groupsNode == null || groupsNode.isNull()) {
      return groups;
    }
    if (!groupsNode.isArray()) {
      throw document.error(List.of("groups"), false, "expected a list of rule groups");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < groupsNode.size(); i++) {
      List<Object> path = List.of("groups", i);
      JsonNode group = groupsNode.get(i);
      ConfigLoader.requireObject(document, group, path, GROUP_KEYS);
      String name = text(document, group, path, "name", true);
      if (!names.add(name)) {
        throw document.error(
            ConfigLoader.concat(path, List.of("name")),
            false,
            "a second group named '" + name + "' in this file");
      }
      Duration interval =
          group.has("interval") ? duration(document, group, path, "interval") : defaultInterval;
      if (interval.isZero()) {
        throw document.error(
            ConfigLoader.concat(path, List.of("interval")), false, "must be more than 0");
      }
      int limit = 0;
      if (group.has("limit")) {
        JsonNode value = group.get("limit");
        if (!value.isIntegralNumber() || value.asLong() < 0 || value.asLong() > Integer.MAX_VALUE) {
          throw document.error(
              ConfigLoader.concat(path, List.of("limit")), false, "expected a whole number ≥ 0");
        }
        limit = value.asInt();
      }
      List<AlertRule> rules = new ArrayList<>();
      JsonNode rulesNode = group.get("rules");
      if (rulesNode != null && !rulesNode.isNull()) {
        if (!rulesNode.isArray()) {
          throw document.error(
              ConfigLoader.concat(path, List.of("rules")), false, "expected a list of rules");
        }
        for (int r = 0; r < rulesNode.size(); r++) {
          rules.add(
              rule(document, rulesNode.get(r), ConfigLoader.concat(path, List.of("rules", r))));
        }
      }
      groups.add(new RuleGroup(name, source, interval, limit, rules));
    }
    return groups;
  }

  private static AlertRule rule(YamlDocument document, JsonNode rule, List<Object> path) {
    if (rule != null && rule.isObject() && rule.has("record")) {
      throw document.error(
          ConfigLoader.concat(path, List.of("record")),
          true,
          "recording rules are not supported; Spyglass evaluates alerting rules ('alert')");
    }
    ConfigLoader.requireObject(document, rule, path, RULE_KEYS);
    String name = text(document, rule, path, "alert", true);
    if (!LABEL.matcher(name).matches()) {
      throw document.error(
          ConfigLoader.concat(path, List.of("alert")),
          false,
          "an alert name is a label value Alertmanager groups by: letters, digits and _");
    }
    String exprText = text(document, rule, path, "expr", true);
    Expression expression;
    try {
      expression = ExpressionParser.parse(exprText);
    } catch (ExpressionException e) {
      throw document.errorInValue(
          ConfigLoader.concat(path, List.of("expr")), e.offset(), e.getMessage());
    }
    Duration forDuration = rule.has("for") ? duration(document, rule, path, "for") : Duration.ZERO;
    Duration keepFiringFor =
        rule.has("keep_firing_for")
            ? duration(document, rule, path, "keep_firing_for")
            : Duration.ZERO;
    Map<String, Template> labels = templates(document, rule, path, "labels", true);
    Map<String, Template> annotations = templates(document, rule, path, "annotations", false);
    AlertRule.NoData noData =
        choice(document, rule, path, "no_data_state", AlertRule.NoData.class, AlertRule.NoData.OK);
    AlertRule.OnError onError =
        choice(
            document,
            rule,
            path,
            "exec_err_state",
            AlertRule.OnError.class,
            AlertRule.OnError.KEEP_LAST);
    return new AlertRule(
        name,
        expression,
        exprText,
        forDuration,
        keepFiringFor,
        labels,
        annotations,
        noData,
        onError);
  }

  private static Map<String, Template> templates(
      YamlDocument document, JsonNode rule, List<Object> path, String key, boolean labels) {
    Map<String, Template> out = new LinkedHashMap<>();
    JsonNode node = rule.get(key);
    if (node == null || node.isNull()) {
      return out;
    }
    List<Object> here = ConfigLoader.concat(path, List.of(key));
    if (!node.isObject()) {
      throw document.error(here, false, "expected a mapping of names to texts");
    }
    for (var entry : node.properties()) {
      List<Object> at = ConfigLoader.concat(here, List.of(entry.getKey()));
      if (labels && !LABEL.matcher(entry.getKey()).matches()) {
        throw document.error(at, true, "a label name is letters, digits and _, not first a digit");
      }
      if (labels && entry.getKey().equals("alertname")) {
        throw document.error(at, true, "alertname is the rule's 'alert'; it cannot be set here");
      }
      if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
        throw document.error(at, false, "expected a text");
      }
      try {
        out.put(entry.getKey(), Template.parse(entry.getValue().asText()));
      } catch (ExpressionException e) {
        throw document.errorInValue(at, e.offset(), e.getMessage());
      }
    }
    return out;
  }

  private static String text(
      YamlDocument document, JsonNode node, List<Object> path, String key, boolean required) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      if (required) {
        throw document.error(path, false, "missing '" + key + "'");
      }
      return "";
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw document.error(ConfigLoader.concat(path, List.of(key)), false, "expected a text");
    }
    return value.asText();
  }

  private static Duration duration(
      YamlDocument document, JsonNode node, List<Object> path, String key) {
    JsonNode value = node.get(key);
    try {
      return PromDuration.parse(value.isNumber() && value.asLong() == 0 ? "0" : value.asText());
    } catch (IllegalArgumentException e) {
      throw document.error(ConfigLoader.concat(path, List.of(key)), false, e.getMessage());
    }
  }

  private static <E extends Enum<E>> E choice(
      YamlDocument document,
      JsonNode node,
      List<Object> path,
      String key,
      Class<E> type,
      E fallback) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    String wanted = value.asText().toUpperCase(Locale.ROOT).replace("NODATA", "NO_DATA");
    for (E constant : type.getEnumConstants()) {
      if (constant.name().replace("_", "").equals(wanted.replace("_", ""))) {
        return constant;
      }
    }
    List<String> known = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      known.add(constant.name().toLowerCase(Locale.ROOT));
    }
    throw document.error(
        ConfigLoader.concat(path, List.of(key)), false, "expected one of " + known);
  }
}
