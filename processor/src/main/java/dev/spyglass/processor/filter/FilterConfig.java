package dev.spyglass.processor.filter;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.util.List;

/**
 * Configuration of {@code filter}, shaped as the Collector's: lists of conditions per record kind;
 * a record is dropped when any of its conditions is true.
 *
 * @param errorMode {@code propagate} (default): a condition that cannot be evaluated on a record
 *     fails the batch; {@code ignore}: it counts as false
 * @param traces {@code span} and {@code spanevent} conditions
 * @param logs {@code log_record} conditions
 * @param metrics {@code datapoint} (and {@code metric}, evaluated on each data point) conditions
 */
public record FilterConfig(String errorMode, Traces traces, Logs logs, Metrics metrics)
    implements ComponentConfig {

  public record Traces(List<String> span, List<String> spanevent) {
    public Traces {
      span = span == null ? List.of() : List.copyOf(span);
      spanevent = spanevent == null ? List.of() : List.copyOf(spanevent);
    }
  }

  public record Logs(List<String> logRecord) {
    public Logs {
      logRecord = logRecord == null ? List.of() : List.copyOf(logRecord);
    }
  }

  public record Metrics(List<String> metric, List<String> datapoint) {
    public Metrics {
      metric = metric == null ? List.of() : List.copyOf(metric);
      datapoint = datapoint == null ? List.of() : List.copyOf(datapoint);
    }
  }

  public FilterConfig {
    traces = traces == null ? new Traces(null, null) : traces;
    logs = logs == null ? new Logs(null) : logs;
    metrics = metrics == null ? new Metrics(null, null) : metrics;
  }

  @Override
  public void validate() {
    if (!errorMode.equals("propagate") && !errorMode.equals("ignore")) {
      throw new InvalidConfigException("error_mode", "must be propagate or ignore");
    }
    int conditions =
        compile("traces.span", traces.span()).size()
            + compile("traces.spanevent", traces.spanevent()).size()
            + compile("logs.log_record", logs.logRecord()).size()
            + compile("metrics.metric", metrics.metric()).size()
            + compile("metrics.datapoint", metrics.datapoint()).size();
    if (conditions == 0) {
      throw new InvalidConfigException(
          "", "no conditions: give traces.span, logs.log_record, metrics.datapoint…");
    }
  }

  /** The conditions at {@code key}, compiled; a syntax error names the condition and character. */
  static List<Condition> compile(String key, List<String> conditions) {
    return java.util.stream.IntStream.range(0, conditions.size())
        .mapToObj(
            i -> {
              try {
                return ConditionParser.parse(conditions.get(i));
              } catch (ConditionParser.SyntaxException e) {
                throw new InvalidConfigException(key + "." + i, e.getMessage());
              }
            })
        .toList();
  }
}
