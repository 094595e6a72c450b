package dev.spyglass.query;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.SpanKinds;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredPoint;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.StoredSpan;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** CSV export rows (RFC 4180): fixed columns per signal, attributes as one JSON column. */
final class Csv {
  private static final HexFormat HEX = HexFormat.of();

  private Csv() {}

  static List<String> columns(Signal signal) {
    return switch (signal) {
      case LOGS ->
          List.of(
              "timestamp",
              "service.name",
              "severity_number",
              "severity_text",
              "body",
              "trace_id",
              "span_id",
              "attributes",
              "pattern.id",
              "pattern.template");
      case TRACES ->
          List.of(
              "timestamp",
              "service.name",
              "trace_id",
              "span_id",
              "parent_span_id",
              "name",
              "kind",
              "duration",
              "status.code",
              "attributes");
      case METRICS ->
          List.of("timestamp", "service.name", "metric.name", "metric.type", "value", "attributes");
    };
  }

  static String row(StoredRecord stored) {
    List<String> cells = new ArrayList<>();
    cells.add(Times.format(stored.timestampNanos()));
    cells.add(stored.origin().serviceName());
    switch (stored) {
      case StoredLog storedLog -> {
        LogRecord log = storedLog.log();
        cells.add(Integer.toString(log.getSeverityNumberValue()));
        cells.add(log.getSeverityText());
        cells.add(
            log.getBody().hasStringValue() ? log.getBody().getStringValue() : json(log.getBody()));
        cells.add(HEX.formatHex(log.getTraceId().toByteArray()));
        cells.add(HEX.formatHex(log.getSpanId().toByteArray()));
        cells.add(json(log.getAttributesList()));
        cells.add(storedLog.pattern().id());
        cells.add(storedLog.pattern().template());
      }
      case StoredSpan storedSpan -> {
        Span span = storedSpan.span();
        cells.add(HEX.formatHex(span.getTraceId().toByteArray()));
        cells.add(HEX.formatHex(span.getSpanId().toByteArray()));
        cells.add(HEX.formatHex(span.getParentSpanId().toByteArray()));
        cells.add(span.getName());
        cells.add(SpanKinds.name(span.getKind()));
        cells.add(
            Long.toString(Math.max(0, span.getEndTimeUnixNano() - span.getStartTimeUnixNano())));
        cells.add(SpanKinds.status(span.getStatus().getCode()));
        cells.add(json(span.getAttributesList()));
      }
      case StoredPoint point -> {
        Metric metric = point.metric();
        cells.add(metric.getName());
        cells.add(metric.getDataCase().name().toLowerCase(java.util.Locale.ROOT));
        var number =
            metric.hasGauge()
                ? metric.getGauge().getDataPoints(0)
                : metric.hasSum() ? metric.getSum().getDataPoints(0) : null;
        cells.add(
            number == null
                ? ""
                : number.hasAsInt()
                    ? Long.toString(number.getAsInt())
                    : Double.toString(number.getAsDouble()));
        cells.add(json(point.attributes()));
      }
    }
    StringBuilder row = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        row.append(',');
      }
      row.append(escape(cells.get(i)));
    }
    return row.append("\r\n").toString();
  }

  static String escape(String cell) {
    if (cell.isEmpty()
        || cell.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r')) {
      return cell;
    }
    return '"' + cell.replace("\"", "\"\"") + '"';
  }

  private static String json(List<KeyValue> attributes) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
      RecordJson.attributes(json, attributes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String json(io.opentelemetry.proto.common.v1.AnyValue value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = SearchApi.JSON.createGenerator(out)) {
      RecordJson.value(json, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
