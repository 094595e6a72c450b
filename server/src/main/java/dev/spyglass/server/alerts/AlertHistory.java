package dev.spyglass.server.alerts;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.query.alerts.Alerts;
import dev.spyglass.query.alerts.StateChange;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Writes every alert state change into the store as a log record of {@code service.name=spyglass}
 * with {@code event.name=alert.state_change} (as the record's event name and as an attribute), so
 * that alert history is searched like any log: {@code event.name:alert.state_change AND
 * attributes.alert.name:HighErrorRate}.
 */
final class AlertHistory implements Alerts.History {
  static final String EVENT = "alert.state_change";

  private final Supplier<Optional<TelemetryConsumer>> store;
  private final Logger log;

  AlertHistory(Supplier<Optional<TelemetryConsumer>> store, Logger log) {
    this.store = store;
    this.log = log;
  }

  @Override
  public void record(List<StateChange> changes) {
    Optional<TelemetryConsumer> consumer = store.get();
    if (consumer.isEmpty()) {
      log.warn("{} alert state changes not written: no store is open", changes.size());
      return;
    }
    ScopeLogs.Builder scope =
        ScopeLogs.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("dev.spyglass.alerts"));
    for (StateChange change : changes) {
      scope.addLogRecords(record(change));
    }
    ExportLogsServiceRequest request =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(
                        Resource.newBuilder().addAttributes(text("service.name", "spyglass")))
                    .addScopeLogs(scope))
            .build();
    consumer
        .get()
        .consume(Logs.of(request, RequestContext.EMPTY))
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                log.warn(
                    "{} alert state changes not written: {}", changes.size(), failure.toString());
              }
            });
  }

  static LogRecord record(StateChange change) {
    String state = change.resolved() ? "resolved" : change.to();
    String summary = change.annotations().getOrDefault("summary", "");
    StringBuilder body =
        new StringBuilder("alert ")
            .append(change.rule())
            .append(' ')
            .append(change.labels())
            .append(' ')
            .append(change.from())
            .append(" → ")
            .append(state);
    if (!summary.isEmpty()) {
      body.append(": ").append(summary);
    }
    LogRecord.Builder record =
        LogRecord.newBuilder()
            .setTimeUnixNano(change.atNanos())
            .setObservedTimeUnixNano(change.atNanos())
            .setEventName(EVENT)
            // INFO, whatever the state: rules over warnings and errors must not count their own
            // history (exclude it altogether with NOT service.name:spyglass).
            .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
            .setSeverityText("INFO")
            .setBody(AnyValue.newBuilder().setStringValue(body.toString()))
            .addAttributes(text("event.name", EVENT))
            .addAttributes(text("alert.name", change.rule()))
            .addAttributes(text("alert.group", change.group()))
            .addAttributes(text("alert.state", state))
            .addAttributes(text("alert.previous_state", change.from()))
            .addAttributes(text("alert.fingerprint", change.labels().fingerprint()));
    if (!Double.isNaN(change.value())) {
      record.addAttributes(
          KeyValue.newBuilder()
              .setKey("alert.value")
              .setValue(AnyValue.newBuilder().setDoubleValue(change.value())));
    }
    for (Map.Entry<String, String> label : change.labels().map().entrySet()) {
      record.addAttributes(text("alert.labels." + label.getKey(), label.getValue()));
    }
    for (Map.Entry<String, String> annotation : change.annotations().entrySet()) {
      record.addAttributes(text("alert.annotations." + annotation.getKey(), annotation.getValue()));
    }
    return record.build();
  }

  private static KeyValue text(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}
