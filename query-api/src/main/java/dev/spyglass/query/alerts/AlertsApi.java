package dev.spyglass.query.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/rules} and {@code GET /api/v1/alerts} in Prometheus's JSON shapes, so that
 * Grafana and Prometheus tools list Spyglass's rules and alerts as they list Prometheus's. With no
 * alerts configured both answer empty, as a Prometheus without rules does.
 */
public final class AlertsApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NEVER = "0001-01-01T00:00:00Z";

  private AlertsApi() {}

  /** Adds both routes to {@code server}; {@code alerts} is asked at request time. */
  public static void addTo(ServerBuilder server, Supplier<Optional<Alerts>> alerts) {
    server.service(
        Route.builder().path("/api/v1/rules").methods(HttpMethod.GET, HttpMethod.HEAD).build(),
        (ctx, req) -> rules(ctx, alerts.get()));
    server.service(
        Route.builder().path("/api/v1/alerts").methods(HttpMethod.GET, HttpMethod.HEAD).build(),
        (ctx, req) -> alerts(alerts.get()));
  }

  private static HttpResponse rules(ServiceRequestContext ctx, Optional<Alerts> alerts) {
    QueryParams params = ctx.queryParams();
    String type = params.get("type", "");
    if (!type.isEmpty() && !type.equals("alert") && !type.equals("record")) {
      return error("type must be alert or record, not '" + type + "'");
    }
    Set<String> names = Set.copyOf(params.getAll("rule_name[]"));
    Set<String> groupNames = Set.copyOf(params.getAll("rule_group[]"));
    Set<String> files = Set.copyOf(params.getAll("file[]"));
    boolean excludeAlerts = params.get("exclude_alerts", "false").equals("true");
    ObjectNode body = JSON.createObjectNode();
    body.put("status", "success");
    ArrayNode groups = body.putObject("data").putArray("groups");
    if (alerts.isEmpty() || type.equals("record")) {
      return json(body);
    }
    for (Alerts.GroupView view : alerts.get().groups()) {
      RuleGroup group = view.group();
      if ((!groupNames.isEmpty() && !groupNames.contains(group.name()))
          || (!files.isEmpty() && !files.contains(group.file()))) {
        continue;
      }
      ObjectNode out = JSON.createObjectNode();
      out.put("name", group.name());
      out.put("file", group.file());
      out.put("interval", group.interval().toMillis() / 1000.0);
      out.put("limit", group.limit());
      ArrayNode rules = out.putArray("rules");
      for (RuleState.Snapshot rule : alerts.get().rules(group)) {
        if (!names.isEmpty() && !names.contains(rule.rule().name())) {
          continue;
        }
        rules.add(rule(rule, excludeAlerts));
      }
      out.put("evaluationTime", view.evaluationSeconds());
      out.put("lastEvaluation", time(view.lastEvaluationNanos()));
      if (!rules.isEmpty() || names.isEmpty()) {
        groups.add(out);
      }
    }
    return json(body);
  }

  private static ObjectNode rule(RuleState.Snapshot rule, boolean excludeAlerts) {
    ObjectNode out = JSON.createObjectNode();
    List<Alert> active =
        rule.alerts().stream().filter(alert -> alert.state != Alert.State.INACTIVE).toList();
    String state = "inactive";
    for (Alert alert : active) {
      if (alert.state == Alert.State.FIRING) {
        state = "firing";
      } else if (state.equals("inactive")) {
        state = "pending";
      }
    }
    out.put("state", state);
    out.put("name", rule.rule().name());
    out.put("query", rule.rule().expressionText());
    out.put("duration", rule.rule().forDuration().toMillis() / 1000.0);
    out.put("keepFiringFor", rule.rule().keepFiringFor().toMillis() / 1000.0);
    ObjectNode labels = out.putObject("labels");
    rule.rule().labels().forEach((name, template) -> labels.put(name, template.source()));
    ObjectNode annotations = out.putObject("annotations");
    rule.rule().annotations().forEach((name, template) -> annotations.put(name, template.source()));
    if (!excludeAlerts) {
      ArrayNode alerts = out.putArray("alerts");
      active.forEach(alert -> alerts.add(alert(alert)));
    }
    out.put("health", rule.health());
    out.put("lastError", rule.lastError());
    out.put("evaluationTime", rule.evaluationSeconds());
    out.put("lastEvaluation", time(rule.lastEvaluationNanos()));
    out.put("type", "alerting");
    return out;
  }

  private static HttpResponse alerts(Optional<Alerts> alerts) {
    ObjectNode body = JSON.createObjectNode();
    body.put("status", "success");
    ArrayNode list = body.putObject("data").putArray("alerts");
    alerts.ifPresent(
        engine -> {
          for (Alerts.GroupView view : engine.groups()) {
            for (RuleState.Snapshot rule : engine.rules(view.group())) {
              for (Alert alert : rule.alerts()) {
                if (alert.state != Alert.State.INACTIVE) {
                  list.add(alert(alert));
                }
              }
            }
          }
        });
    return json(body);
  }

  private static ObjectNode alert(Alert alert) {
    ObjectNode out = JSON.createObjectNode();
    out.set("labels", JSON.valueToTree(alert.labels.map()));
    out.set("annotations", JSON.valueToTree(alert.annotations));
    out.put("state", alert.state.spelling());
    out.put("activeAt", time(alert.activeAtNanos));
    if (alert.firedAtNanos != 0) {
      out.put("firedAt", time(alert.firedAtNanos));
    }
    if (alert.keepFiringSinceNanos != 0) {
      out.put("keepFiringSince", time(alert.keepFiringSinceNanos));
    }
    out.put("value", exponent(alert.value));
    return out;
  }

  /** Go's {@code strconv.FormatFloat(v, 'e', -1, 64)}, as Prometheus writes alert values. */
  static String exponent(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == 0) {
      return "0e+00";
    }
    BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
    int exponent = decimal.precision() - decimal.scale() - 1;
    String digits = decimal.unscaledValue().abs().toString();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return (value < 0 ? "-" : "")
        + mantissa
        + "e"
        + (exponent < 0 ? "-" : "+")
        + (Math.abs(exponent) < 10 ? "0" : "")
        + Math.abs(exponent);
  }

  private static String time(long nanos) {
    return nanos == 0 ? NEVER : Notifications.time(nanos);
  }

  private static HttpResponse json(ObjectNode body) {
    try {
      return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, JSON.writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse error(String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("status", "error");
    body.put("errorType", "bad_data");
    body.put("error", message);
    try {
      return HttpResponse.of(
          HttpStatus.BAD_REQUEST, MediaType.JSON_UTF_8, JSON.writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
