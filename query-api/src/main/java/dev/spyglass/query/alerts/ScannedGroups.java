package dev.spyglass.query.alerts;

import dev.spyglass.storage.ExportPage;
import dev.spyglass.storage.ExportRequest;
import dev.spyglass.storage.SpanKinds;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.StoredSpan;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A selector's groups computed from the matching records themselves, for group fields the store
 * cannot aggregate by (the embedded store groups by its keyword fields only, not by {@code
 * resource.<key>} or {@code attributes.<key>}). Reads at most {@link #MAX_RECORDS} records — past
 * that the evaluation fails and says to group by a keyword field — so it suits the small windows
 * alert rules look at, such as slow commands per node per minute.
 */
final class ScannedGroups {
  /** The most records one evaluation reads this way. */
  static final int MAX_RECORDS = 100_000;

  private static final int PAGE = 1_000;

  private ScannedGroups() {}

  /** What one group gathered. */
  private static final class Group {
    long count;
    long errors;
    double[] durations = new double[16];
  }

  static List<Expression.Sample> compute(
      Expression.Selector selector, Expression.Context context, long start, long end)
      throws IOException {
    Map<List<String>, Group> groups = new LinkedHashMap<>();
    ExportRequest request =
        new ExportRequest(
            selector.function().signal,
            selector.query(),
            start,
            end,
            PAGE,
            Optional.empty(),
            context.deadline());
    long read = 0;
    while (true) {
      ExportPage page = context.reader().export(request);
      if (page.partial()) {
        throw new Expression.DeadlineExceededException();
      }
      for (StoredRecord record : page.records()) {
        if (++read > MAX_RECORDS) {
          throw new Expression.EvaluationException(
              selector.function().spelling()
                  + " matched more than "
                  + MAX_RECORDS
                  + " records to group by "
                  + selector.groupBy()
                  + "; narrow its query or group by a keyword field such as service.name");
        }
        List<String> key = new ArrayList<>(selector.groupBy().size());
        for (String field : selector.groupBy()) {
          key.add(value(field, record));
        }
        Group group = groups.computeIfAbsent(key, k -> new Group());
        if (record instanceof StoredSpan span) {
          if (span.span().getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR) {
            group.errors++;
          }
          if (group.count == group.durations.length) {
            group.durations = Arrays.copyOf(group.durations, group.durations.length * 2);
          }
          group.durations[(int) group.count] = span.durationNanos() / 1e9;
        }
        group.count++;
      }
      if (page.next().isEmpty()) {
        break;
      }
      request = request.next(page, context.deadline());
    }
    double seconds = (end - start + 1) / 1e9;
    List<Expression.Sample> samples = new ArrayList<>();
    for (Map.Entry<List<String>, Group> entry : groups.entrySet()) {
      double value = value(selector.function(), entry.getValue(), seconds);
      if (!Double.isNaN(value)) {
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < selector.groupBy().size(); i++) {
          labels.put(Labels.nameOfField(selector.groupBy().get(i)), entry.getKey().get(i));
        }
        samples.add(new Expression.Sample(Labels.of(labels), value));
      }
    }
    return samples;
  }

  private static double value(Expression.Function function, Group group, double seconds) {
    double[] durations =
        Arrays.copyOf(group.durations, (int) Math.min(group.count, group.durations.length));
    return switch (function) {
      case LOGS_COUNT, SPANS_COUNT -> group.count;
      case LOGS_RATE, SPANS_RATE -> group.count / seconds;
      case ERROR_RATIO -> group.count == 0 ? Double.NaN : (double) group.errors / group.count;
      case LATENCY_AVG -> Arrays.stream(durations).average().orElse(Double.NaN);
      case LATENCY_MAX -> Arrays.stream(durations).max().orElse(Double.NaN);
      case LATENCY_P50 -> quantile(durations, 0.50);
      case LATENCY_P75 -> quantile(durations, 0.75);
      case LATENCY_P90 -> quantile(durations, 0.90);
      case LATENCY_P95 -> quantile(durations, 0.95);
      case LATENCY_P99 -> quantile(durations, 0.99);
      default -> throw new IllegalStateException(function.name());
    };
  }

  /** The exact quantile, nearest rank. */
  private static double quantile(double[] values, double q) {
    if (values.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(values);
    int rank = (int) Math.ceil(q * values.length) - 1;
    return values[Math.max(0, Math.min(values.length - 1, rank))];
  }

  private static String value(String field, StoredRecord record) {
    if (field.equals("service.name")) {
      return record.origin().serviceName();
    }
    if (field.startsWith("resource.")) {
      return find(record.origin().resource().getAttributesList(), field.substring(9));
    }
    List<KeyValue> attributes =
        switch (record) {
          case StoredLog log -> log.log().getAttributesList();
          case StoredSpan span -> span.span().getAttributesList();
          default -> List.of();
        };
    if (field.startsWith("attributes.")) {
      return find(attributes, field.substring(11));
    }
    return switch (record) {
      case StoredSpan span ->
          switch (field) {
            case "name" -> span.span().getName();
            case "kind" -> SpanKinds.name(span.span().getKind());
            case "status.code" -> SpanKinds.status(span.span().getStatus().getCode());
            default -> "";
          };
      case StoredLog log -> field.equals("severity_text") ? log.log().getSeverityText() : "";
      default -> "";
    };
  }

  private static String find(List<KeyValue> attributes, String key) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals(key)) {
        AnyValue value = attribute.getValue();
        return switch (value.getValueCase()) {
          case STRING_VALUE -> value.getStringValue();
          case INT_VALUE -> Long.toString(value.getIntValue());
          case DOUBLE_VALUE -> Template.Humanize.goFloat(value.getDoubleValue());
          case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
          default -> value.toString();
        };
      }
    }
    return "";
  }
}
