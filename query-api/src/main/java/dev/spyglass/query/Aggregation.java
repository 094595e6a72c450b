package dev.spyglass.query;

import dev.spyglass.storage.SegmentVisitor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.DoubleHistogram;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.NumericUtils;

/**
 * Aggregates matching records over doc values, one segment at a time: groups by the values of
 * keyword fields, optionally into time buckets, and computes metrics per group and bucket — {@code
 * count}, {@code rate} (per second), {@code errors} (spans with status error), and {@code
 * avg|min|max|sum|p50|p90|p95|p99(field)} over {@code duration}, {@code severity_number}, {@code
 * value}, {@code count}, {@code sum}. Percentiles come from an HdrHistogram per bucket (three
 * significant digits), so memory is bounded by the number of buckets, not of records.
 */
final class Aggregation implements SegmentVisitor {
  static final int MAX_GROUPS = 10_000;
  static final int MAX_TIME_BUCKETS = 10_000;
  static final Set<String> GROUPABLE =
      Set.of(
          "service.name",
          "name",
          "kind",
          "status.code",
          "severity_text",
          "metric.name",
          "metric.type");
  private static final Set<String> DOUBLE_FIELDS = Set.of("value", "sum");
  private static final Set<String> NUMERIC_FIELDS =
      Set.of("duration", "severity_number", "value", "count", "sum");
  private static final Pattern FUNCTION =
      Pattern.compile("(avg|min|max|sum|p50|p90|p95|p99)\\(([a-z_.]+)\\)");

  /** One requested metric: {@code count}, {@code rate}, {@code errors} or {@code fn(field)}. */
  record Metric(String name, String function, String field) {
    static Metric parse(String text) {
      String name = text.strip();
      switch (name) {
        case "count", "rate", "errors" -> {
          return new Metric(name, name, "");
        }
        default -> {}
      }
      Matcher function = FUNCTION.matcher(name);
      if (!function.matches()) {
        throw ApiException.badRequest(
            "invalid_metric",
            "metric '"
                + name
                + "' is not count, rate, errors or avg|min|max|sum|p50|p90|p95|p99(field)");
      }
      if (!NUMERIC_FIELDS.contains(function.group(2))) {
        throw ApiException.badRequest(
            "invalid_metric",
            "'" + function.group(2) + "' is not a numeric field; use one of " + NUMERIC_FIELDS);
      }
      return new Metric(name, function.group(1), function.group(2));
    }

    boolean percentile() {
      return function.startsWith("p");
    }
  }

  /** Counts and statistics of one group, or of one time bucket of it. */
  static final class Stats {
    long count;
    long errors;
    final Map<String, double[]> sums = new HashMap<>(); // field -> {n, sum, min, max}
    final Map<String, DoubleHistogram> histograms = new HashMap<>();

    void add(Map<String, Double> values, boolean error, Set<String> percentileFields) {
      count++;
      if (error) {
        errors++;
      }
      values.forEach(
          (field, value) -> {
            double[] s =
                sums.computeIfAbsent(
                    field, f -> new double[] {0, 0, Double.MAX_VALUE, -Double.MAX_VALUE});
            s[0]++;
            s[1] += value;
            s[2] = Math.min(s[2], value);
            s[3] = Math.max(s[3], value);
            if (percentileFields.contains(field)) {
              DoubleHistogram histogram =
                  histograms.computeIfAbsent(field, f -> new DoubleHistogram(3));
              histogram.recordValue(Math.max(0, value));
            }
          });
    }

    /** The metric's value; null when the bucket has no values of its field. */
    Double value(Metric metric, double seconds) {
      return switch (metric.function()) {
        case "count" -> (double) count;
        case "rate" -> seconds > 0 ? count / seconds : null;
        case "errors" -> (double) errors;
        default -> {
          double[] s = sums.get(metric.field());
          if (s == null || s[0] == 0) {
            yield null;
          }
          yield switch (metric.function()) {
            case "avg" -> s[1] / s[0];
            case "min" -> s[2];
            case "max" -> s[3];
            case "sum" -> s[1];
            default -> {
              double quantile = Integer.parseInt(metric.function().substring(1));
              yield histograms.get(metric.field()).getValueAtPercentile(quantile);
            }
          };
        }
      };
    }
  }

  /** A group: its key values, its totals and its time buckets. */
  static final class Group {
    final List<String> key;
    final Stats total = new Stats();
    final TreeMap<Long, Stats> buckets = new TreeMap<>();

    Group(List<String> key) {
      this.key = key;
    }
  }

  final List<String> groupBy;
  final long intervalNanos;
  final List<Metric> metrics;
  final Map<List<String>, Group> groups = new HashMap<>();
  private final Set<String> fields = new LinkedHashSet<>();
  private final Set<String> percentileFields = new LinkedHashSet<>();
  private final boolean needErrors;

  Aggregation(List<String> groupBy, long intervalNanos, List<Metric> metrics) {
    for (String field : groupBy) {
      if (!GROUPABLE.contains(field)) {
        throw ApiException.badRequest(
            "invalid_group_by",
            "cannot group by '"
                + field
                + "'; group by one of "
                + new java.util.TreeSet<>(GROUPABLE));
      }
    }
    this.groupBy = groupBy;
    this.intervalNanos = intervalNanos;
    this.metrics = metrics;
    for (Metric metric : metrics) {
      if (!metric.field().isEmpty()) {
        fields.add(metric.field());
        if (metric.percentile()) {
          percentileFields.add(metric.field());
        }
      }
    }
    this.needErrors = metrics.stream().anyMatch(m -> m.function().equals("errors"));
  }

  @Override
  public void visit(LeafReader segment, DocIdSetIterator matches) throws IOException {
    SortedSetDocValues[] keys = new SortedSetDocValues[groupBy.size()];
    List<Map<Long, String>> ordCache = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      keys[i] = DocValues.getSortedSet(segment, groupBy.get(i));
      ordCache.add(new HashMap<>());
    }
    NumericDocValues timestamps = DocValues.getNumeric(segment, "timestamp");
    Map<String, NumericDocValues> numbers = new HashMap<>();
    for (String field : fields) {
      numbers.put(field, DocValues.getNumeric(segment, field));
    }
    SortedSetDocValues status = needErrors ? DocValues.getSortedSet(segment, "status.code") : null;
    Map<String, Double> values = new HashMap<>();
    for (int doc = matches.nextDoc();
        doc != DocIdSetIterator.NO_MORE_DOCS;
        doc = matches.nextDoc()) {
      List<String> key = new ArrayList<>(keys.length);
      for (int i = 0; i < keys.length; i++) {
        if (keys[i].advanceExact(doc)) {
          long ord = keys[i].nextOrd();
          SortedSetDocValues dv = keys[i];
          key.add(ordCache.get(i).computeIfAbsent(ord, o -> lookup(dv, o)));
        } else {
          key.add("");
        }
      }
      values.clear();
      for (Map.Entry<String, NumericDocValues> number : numbers.entrySet()) {
        if (number.getValue().advanceExact(doc)) {
          long raw = number.getValue().longValue();
          values.put(
              number.getKey(),
              DOUBLE_FIELDS.contains(number.getKey())
                  ? NumericUtils.sortableLongToDouble(raw)
                  : raw);
        }
      }
      boolean error =
          status != null
              && status.advanceExact(doc)
              && lookup(status, status.nextOrd()).equals("error");
      Group group = groups.get(key);
      if (group == null) {
        if (groups.size() >= MAX_GROUPS) {
          throw ApiException.badRequest(
              "too_many_groups",
              "more than " + MAX_GROUPS + " groups; narrow q or group by fewer fields");
        }
        group = new Group(key);
        groups.put(key, group);
      }
      group.total.add(values, error, percentileFields);
      if (intervalNanos > 0 && timestamps.advanceExact(doc)) {
        long bucket = Math.floorDiv(timestamps.longValue(), intervalNanos) * intervalNanos;
        group
            .buckets
            .computeIfAbsent(bucket, b -> new Stats())
            .add(values, error, percentileFields);
      }
    }
  }

  private static String lookup(SortedSetDocValues values, long ord) {
    try {
      return values.lookupOrd(ord).utf8ToString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** An interval for about 60 buckets over [start, end], from a fixed ladder. */
  static long autoInterval(long startNanos, long endNanos) {
    long[] ladder = {
      1, 5, 10, 30, 60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 7 * 86_400
    };
    long span = Math.max(1, endNanos - startNanos);
    for (long seconds : ladder) {
      if (span / (seconds * 1_000_000_000L) <= 60) {
        return seconds * 1_000_000_000L;
      }
    }
    return ladder[ladder.length - 1] * 1_000_000_000L;
  }

  static String describe(long intervalNanos) {
    long seconds = intervalNanos / 1_000_000_000L;
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
