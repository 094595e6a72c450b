package dev.spyglass.query.alerts;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.Measure;
import dev.spyglass.storage.MetricQuery;
import dev.spyglass.storage.MetricSeries;
import dev.spyglass.storage.TelemetryReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An alert rule's {@code expr}, parsed once at load by {@link ExpressionParser}: selectors that ask
 * the store for a value per group over a window, arithmetic between them, and a threshold that
 * keeps the groups that break it. See {@code docs/alerts.md} for the language.
 */
public sealed interface Expression {

  /** What an expression reads and when: the store, the evaluation's time and its deadline. */
  record Context(TelemetryReader reader, long nowNanos, Deadline deadline) {
    public Context {
      requireNonNull(reader, "reader");
      requireNonNull(deadline, "deadline");
    }
  }

  /** One value of a group. */
  record Sample(Labels labels, double value) {}

  /**
   * What a rule's expression gave.
   *
   * @param samples the groups that break the threshold (every group, without one)
   * @param noData true when the expression had no group at all to compare
   */
  record Outcome(List<Sample> samples, boolean noData) {
    public Outcome {
      samples = List.copyOf(samples);
    }
  }

  /** The expression's value: a number, or one value per group. */
  sealed interface Value {}

  /** A number. */
  record Scalar(double value) implements Value {}

  /** One value per label set. */
  record Vector(List<Sample> samples) implements Value {
    public Vector {
      samples = List.copyOf(samples);
    }
  }

  /** Evaluates the expression. */
  Value evaluate(Context context) throws IOException;

  /** Evaluates the expression as a rule does, telling no data apart from nothing breaking. */
  default Outcome run(Context context) throws IOException {
    return switch (this) {
      case Comparison comparison -> {
        Value left = comparison.left().evaluate(context);
        boolean empty = left instanceof Vector vector && vector.samples().isEmpty();
        yield new Outcome(
            samples(comparison.compare(left, comparison.right().evaluate(context))), empty);
      }
      case Absent absent -> new Outcome(samples(absent.evaluate(context)), false);
      default -> {
        List<Sample> samples = samples(evaluate(context));
        yield new Outcome(samples, samples.isEmpty());
      }
    };
  }

  private static List<Sample> samples(Value value) {
    return switch (value) {
      case Scalar scalar -> List.of(new Sample(Labels.EMPTY, scalar.value()));
      case Vector vector -> vector.samples();
    };
  }

  /** A number in the expression (durations are seconds, percentages fractions). */
  record Number(double value) implements Expression {
    @Override
    public Value evaluate(Context context) {
      return new Scalar(value);
    }
  }

  /** What a selector computes per group. */
  enum Function {
    LOGS_COUNT(Signal.LOGS),
    LOGS_RATE(Signal.LOGS),
    SPANS_COUNT(Signal.TRACES),
    SPANS_RATE(Signal.TRACES),
    ERROR_RATIO(Signal.TRACES),
    LATENCY_AVG(Signal.TRACES),
    LATENCY_MAX(Signal.TRACES),
    LATENCY_P50(Signal.TRACES),
    LATENCY_P75(Signal.TRACES),
    LATENCY_P90(Signal.TRACES),
    LATENCY_P95(Signal.TRACES),
    LATENCY_P99(Signal.TRACES),
    METRIC_AVG(Signal.METRICS),
    METRIC_SUM(Signal.METRICS),
    METRIC_MIN(Signal.METRICS),
    METRIC_MAX(Signal.METRICS),
    METRIC_COUNT(Signal.METRICS),
    METRIC_LAST(Signal.METRICS),
    METRIC_RATE(Signal.METRICS),
    METRIC_P50(Signal.METRICS),
    METRIC_P90(Signal.METRICS),
    METRIC_P95(Signal.METRICS),
    METRIC_P99(Signal.METRICS);

    final Signal signal;

    Function(Signal signal) {
      this.signal = signal;
    }

    /** How the expression names it: {@code logs_count}. */
    String spelling() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** True when an empty answer means zero, not no data (a count of nothing is 0). */
    boolean zeroWhenEmpty() {
      return this == LOGS_COUNT || this == LOGS_RATE || this == SPANS_COUNT || this == SPANS_RATE;
    }
  }

  /**
   * Asks the store for one value per group over the window that ends at the evaluation.
   *
   * @param metric the metric name; empty for logs and spans
   * @param query Lucene query syntax narrowing the records; empty for all
   * @param windowNanos how far back from the evaluation the selector looks
   * @param groupBy the fields whose values make a group; labels named by {@link Labels#nameOfField}
   */
  record Selector(
      Function function, String metric, String query, long windowNanos, List<String> groupBy)
      implements Expression {
    /** The most groups a selector may give. */
    public static final int MAX_GROUPS = 10_000;

    public Selector {
      requireNonNull(function, "function");
      requireNonNull(metric, "metric");
      requireNonNull(query, "query");
      groupBy = List.copyOf(groupBy);
    }

    @Override
    public Value evaluate(Context context) throws IOException {
      return evaluate(context, true);
    }

    /**
     * The value per group; with {@code zeroFill}, an ungrouped count or rate of nothing is one
     * group of 0 (what {@code absent} must not see).
     */
    Vector evaluate(Context context, boolean zeroFill) throws IOException {
      long end = context.nowNanos();
      long start = end - windowNanos + 1;
      return function.signal == Signal.METRICS
          ? series(context, start, end)
          : aggregate(context, start, end, zeroFill);
    }

    private Vector aggregate(Context context, long start, long end, boolean zeroFill)
        throws IOException {
      List<Measure> measures =
          switch (function) {
            case LOGS_COUNT, SPANS_COUNT -> List.of(Measure.of(Measure.Function.COUNT));
            case LOGS_RATE, SPANS_RATE -> List.of(Measure.of(Measure.Function.RATE));
            case ERROR_RATIO ->
                List.of(Measure.of(Measure.Function.COUNT), Measure.of(Measure.Function.ERRORS));
            default ->
                List.of(
                    new Measure(
                        Measure.Function.valueOf(function.name().substring("LATENCY_".length())),
                        "duration"));
          };
      AggregationResult result;
      try {
        result =
            context
                .reader()
                .aggregate(
                    new AggregationRequest(
                        function.signal,
                        query,
                        start,
                        end,
                        groupBy,
                        0,
                        measures,
                        MAX_GROUPS,
                        context.deadline()));
      } catch (dev.spyglass.storage.InvalidQueryException e) {
        if (!e.code().equals("invalid_group_by") || !groupsByAttributes()) {
          throw e;
        }
        return new Vector(ScannedGroups.compute(this, context, start, end));
      }
      if (result.partial()) {
        throw new DeadlineExceededException();
      }
      if (result.otherCount() > 0) {
        throw tooManyGroups();
      }
      List<Sample> samples = new ArrayList<>();
      for (AggregationResult.Group group : result.groups()) {
        double[] values = group.values();
        double value =
            switch (function) {
              case ERROR_RATIO -> values[0] == 0 ? Double.NaN : values[1] / values[0];
              case LOGS_COUNT, SPANS_COUNT, LOGS_RATE, SPANS_RATE -> values[0];
              default -> values[0] / 1e9; // durations are ns in the store, seconds here
            };
        if (!Double.isNaN(value)) {
          samples.add(new Sample(labels(group.key()), value));
        }
      }
      if (zeroFill && samples.isEmpty() && groupBy.isEmpty() && function.zeroWhenEmpty()) {
        samples.add(new Sample(Labels.EMPTY, 0));
      }
      return new Vector(samples);
    }

    private boolean groupsByAttributes() {
      return groupBy.stream()
          .anyMatch(f -> f.startsWith("resource.") || f.startsWith("attributes."));
    }

    private Vector series(Context context, long start, long end) throws IOException {
      MetricSeries result =
          context
              .reader()
              .metricSeries(
                  MetricQuery.window(
                      metric,
                      query,
                      start,
                      end,
                      MetricQuery.Aggregation.valueOf(
                          function.name().substring("METRIC_".length())),
                      groupBy,
                      context.deadline()));
      if (result.partial()) {
        throw new DeadlineExceededException();
      }
      if (result.series().size() > MAX_GROUPS) {
        throw tooManyGroups();
      }
      List<Sample> samples = new ArrayList<>();
      for (MetricSeries.Series series : result.series()) {
        for (MetricSeries.Point point : series.points()) {
          if (!Double.isNaN(point.value())) {
            samples.add(new Sample(labels(series.labels()), point.value()));
          }
        }
      }
      return new Vector(samples);
    }

    private Labels labels(List<String> key) {
      Map<String, String> labels = new HashMap<>();
      for (int i = 0; i < groupBy.size() && i < key.size(); i++) {
        labels.put(Labels.nameOfField(groupBy.get(i)), key.get(i));
      }
      return Labels.of(labels);
    }

    private EvaluationException tooManyGroups() {
      return new EvaluationException(
          function.spelling()
              + " has more than "
              + MAX_GROUPS
              + " groups; narrow its query or group by fewer fields");
    }
  }

  /** {@code + - * /} between numbers and groups; groups pair up by identical labels. */
  record Arithmetic(char operator, Expression left, Expression right) implements Expression {
    @Override
    public Value evaluate(Context context) throws IOException {
      Value a = left.evaluate(context);
      Value b = right.evaluate(context);
      return combine(a, b, (x, y) -> new Sample(x.labels(), apply(x.value(), y.value())));
    }

    private double apply(double x, double y) {
      return switch (operator) {
        case '+' -> x + y;
        case '-' -> x - y;
        case '*' -> x * y;
        case '/' -> x / y;
        default -> throw new IllegalStateException("operator " + operator);
      };
    }
  }

  /**
   * A threshold: keeps the left side's groups for which the comparison holds, with the left side's
   * value (as PromQL's filtering comparisons do). NaN never compares true.
   */
  record Comparison(String operator, Expression left, Expression right) implements Expression {
    @Override
    public Value evaluate(Context context) throws IOException {
      return compare(left.evaluate(context), right.evaluate(context));
    }

    Value compare(Value a, Value b) {
      if (a instanceof Scalar x && b instanceof Scalar y) {
        return new Vector(
            holds(x.value(), y.value()) ? List.of(new Sample(Labels.EMPTY, x.value())) : List.of());
      }
      return combine(a, b, (x, y) -> holds(x.value(), y.value()) ? x : null);
    }

    private boolean holds(double x, double y) {
      return switch (operator) {
        case ">" -> x > y;
        case ">=" -> x >= y;
        case "<" -> x < y;
        case "<=" -> x <= y;
        case "==" -> x == y;
        case "!=" -> x != y && !Double.isNaN(x) && !Double.isNaN(y);
        default -> throw new IllegalStateException("operator " + operator);
      };
    }
  }

  /**
   * One group without labels, value 1, when the inner expression has no group (for a count: no
   * record matched); else none.
   */
  record Absent(Expression inner) implements Expression {
    @Override
    public Value evaluate(Context context) throws IOException {
      Value value =
          inner instanceof Selector selector
              ? selector.evaluate(context, false)
              : inner.evaluate(context);
      boolean empty = value instanceof Vector vector && vector.samples().isEmpty();
      return new Vector(empty ? List.of(new Sample(Labels.EMPTY, 1)) : List.of());
    }
  }

  /** Pairs {@code a} and {@code b}: a number with every group, groups with the same labels. */
  private static Value combine(
      Value a, Value b, java.util.function.BinaryOperator<Sample> operation) {
    if (a instanceof Scalar x && b instanceof Scalar y) {
      Sample result = operation.apply(scalar(x), scalar(y));
      return result == null ? new Vector(List.of()) : new Scalar(result.value());
    }
    List<Sample> out = new ArrayList<>();
    if (a instanceof Vector vector && b instanceof Scalar y) {
      Sample right = scalar(y);
      for (Sample sample : vector.samples()) {
        add(out, operation.apply(sample, right));
      }
    } else if (a instanceof Scalar x && b instanceof Vector vector) {
      Sample left = scalar(x);
      for (Sample sample : vector.samples()) {
        Sample result = operation.apply(left, sample);
        add(out, result == null ? null : new Sample(sample.labels(), result.value()));
      }
    } else {
      Map<Labels, Sample> right = new LinkedHashMap<>();
      for (Sample sample : ((Vector) b).samples()) {
        right.put(sample.labels(), sample);
      }
      for (Sample sample : ((Vector) a).samples()) {
        Sample other = right.get(sample.labels());
        if (other != null) {
          add(out, operation.apply(sample, other));
        }
      }
    }
    return new Vector(out);
  }

  private static Sample scalar(Scalar scalar) {
    return new Sample(Labels.EMPTY, scalar.value());
  }

  private static void add(List<Sample> out, Sample sample) {
    if (sample != null) {
      out.add(sample);
    }
  }

  /** An evaluation that could not finish: the store failed or the query could not run. */
  class EvaluationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EvaluationException(String message) {
      super(message, null, false, false);
    }
  }

  /** An evaluation that ran past its deadline: counts would be lower bounds, so none is used. */
  final class DeadlineExceededException extends EvaluationException {
    private static final long serialVersionUID = 1L;

    public DeadlineExceededException() {
      super("the evaluation ran past its deadline; its answers would be incomplete");
    }
  }
}
