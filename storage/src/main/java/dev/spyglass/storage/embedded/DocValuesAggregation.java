package dev.spyglass.storage.embedded;

import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.InvalidQueryException;
import dev.spyglass.storage.Measure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.DoubleHistogram;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;

/**
 * An aggregation over doc values, one segment at a time: groups by the values of keyword fields,
 * optionally into time buckets, and computes the measures per group and bucket. Percentiles come
 * from an HdrHistogram per bucket (three significant digits, so within 0.1%), so memory is bounded
 * by the number of buckets, not of records.
 */
final class DocValuesAggregation {
  static final int MAX_GROUPS = 10_000;

  /** Keyword fields with sorted-set doc values. */
  static final Set<String> GROUPABLE =
      Set.of(
          "service.name",
          "name",
          "kind",
          "status.code",
          "severity_text",
          "metric.name",
          "metric.type",
          DocumentBuilder.PATTERN_ID);

  /** Numeric fields with numeric doc values; the doubles are stored as sortable longs. */
  static final Set<String> NUMERIC =
      Set.of("duration", "severity_number", "value", "count", "sum", "timestamp");

  private static final Set<String> DOUBLES = Set.of("value", "sum");

  /** Counts and statistics of one group, or of one time bucket of it. */
  private static final class Stats {
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
              histograms
                  .computeIfAbsent(field, f -> new DoubleHistogram(3))
                  .recordValue(Math.max(0, value));
            }
          });
    }

    /** The measure's value; NaN when the bucket has no values of its field. */
    double value(Measure measure, double seconds) {
      return switch (measure.function()) {
        case COUNT -> count;
        case RATE -> seconds > 0 ? count / seconds : Double.NaN;
        case ERRORS -> errors;
        default -> {
          double[] s = sums.get(measure.field());
          if (s == null || s[0] == 0) {
            yield Double.NaN;
          }
          yield switch (measure.function()) {
            case AVG -> s[1] / s[0];
            case MIN -> s[2];
            case MAX -> s[3];
            case SUM -> s[1];
            default ->
                histograms
                    .get(measure.field())
                    .getValueAtPercentile(measure.function().quantile() * 100);
          };
        }
      };
    }
  }

  /** A group: its key values, its totals and its time buckets. */
  private static final class Group {
    final List<String> key;
    final Stats total = new Stats();
    final TreeMap<Long, Stats> buckets = new TreeMap<>();

    Group(List<String> key) {
      this.key = key;
    }
  }

  private final AggregationRequest request;
  private final Map<List<String>, Group> groups = new HashMap<>();
  private final Set<String> fields = new LinkedHashSet<>();
  private final Set<String> percentileFields = new LinkedHashSet<>();
  private final boolean needErrors;

  DocValuesAggregation(AggregationRequest request) {
    for (String field : request.groupBy()) {
      if (!GROUPABLE.contains(field)) {
        throw new InvalidQueryException(
            "invalid_group_by",
            "cannot group by '" + field + "'; group by one of " + new TreeSet<>(GROUPABLE));
      }
    }
    for (Measure measure : request.measures()) {
      if (measure.function().needsField()) {
        if (!NUMERIC.contains(measure.field())) {
          throw new InvalidQueryException(
              "invalid_metric",
              "'"
                  + measure.field()
                  + "' is not a numeric field; use one of "
                  + new TreeSet<>(NUMERIC));
        }
        fields.add(measure.field());
        if (!Double.isNaN(measure.function().quantile())) {
          percentileFields.add(measure.field());
        }
      }
    }
    this.request = request;
    this.needErrors =
        request.measures().stream().anyMatch(m -> m.function() == Measure.Function.ERRORS);
  }

  void visit(LeafReader segment, DocIdSetIterator matches, Deadline deadline) throws IOException {
    List<String> groupBy = request.groupBy();
    long interval = request.intervalNanos();
    SortedSetDocValues[] keys = new SortedSetDocValues[groupBy.size()];
    List<Map<Long, String>> ordCache = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      keys[i] = DocValues.getSortedSet(segment, groupBy.get(i));
      ordCache.add(new HashMap<>());
    }
    NumericDocValues timestamps = DocValues.getNumeric(segment, DocumentBuilder.TIMESTAMP);
    Map<String, NumericDocValues> numbers = new HashMap<>();
    for (String field : fields) {
      numbers.put(field, DocValues.getNumeric(segment, field));
    }
    SortedSetDocValues status = needErrors ? DocValues.getSortedSet(segment, "status.code") : null;
    long errorOrd = status == null ? -1 : status.lookupTerm(new BytesRef("error"));
    Map<String, Double> values = new HashMap<>();
    int visited = 0;
    for (int doc = matches.nextDoc();
        doc != DocIdSetIterator.NO_MORE_DOCS;
        doc = matches.nextDoc()) {
      TimedSearcher.checkEvery(++visited, deadline);
      List<String> key = new ArrayList<>(keys.length);
      for (int i = 0; i < keys.length; i++) {
        if (keys[i].advanceExact(doc)) {
          SortedSetDocValues dv = keys[i];
          key.add(ordCache.get(i).computeIfAbsent(dv.nextOrd(), o -> lookup(dv, o)));
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
              DOUBLES.contains(number.getKey()) ? NumericUtils.sortableLongToDouble(raw) : raw);
        }
      }
      boolean error = errorOrd >= 0 && status.advanceExact(doc) && status.nextOrd() == errorOrd;
      Group group = groups.get(key);
      if (group == null) {
        if (groups.size() >= MAX_GROUPS) {
          throw new InvalidQueryException(
              "too_many_groups",
              "more than " + MAX_GROUPS + " groups; narrow q or group by fewer fields");
        }
        group = new Group(key);
        groups.put(key, group);
      }
      group.total.add(values, error, percentileFields);
      if (interval > 0 && timestamps.advanceExact(doc)) {
        long bucket = Math.floorDiv(timestamps.longValue(), interval) * interval;
        group
            .buckets
            .computeIfAbsent(bucket, b -> new Stats())
            .add(values, error, percentileFields);
      }
    }
  }

  /** The largest groups, each with its measures and histogram. */
  AggregationResult result(boolean partial) {
    List<Group> sorted = new ArrayList<>(groups.values());
    sorted.sort(
        Comparator.comparingLong((Group g) -> g.total.count)
            .reversed()
            .thenComparing(g -> String.join("\u0000", g.key)));
    long total = sorted.stream().mapToLong(g -> g.total.count).sum();
    List<Group> top = sorted.subList(0, Math.min(request.size(), sorted.size()));
    long other = total - top.stream().mapToLong(g -> g.total.count).sum();
    double rangeSeconds = ((double) request.endNanos() - request.startNanos()) / 1e9;
    long interval = request.intervalNanos();
    List<AggregationResult.Group> result = new ArrayList<>(top.size());
    Stats empty = new Stats();
    for (Group group : top) {
      List<AggregationResult.TimeBucket> histogram = new ArrayList<>();
      if (interval > 0) {
        long first = Math.floorDiv(request.startNanos(), interval) * interval;
        long last = Math.floorDiv(request.endNanos(), interval) * interval;
        for (long i = 0, n = (last - first) / interval; i <= n; i++) {
          long bucket = first + i * interval;
          histogram.add(
              new AggregationResult.TimeBucket(
                  bucket, values(group.buckets.getOrDefault(bucket, empty), interval / 1e9)));
        }
      }
      result.add(
          new AggregationResult.Group(group.key, values(group.total, rangeSeconds), histogram));
    }
    return new AggregationResult(total, other, result, partial);
  }

  private double[] values(Stats stats, double seconds) {
    double[] values = new double[request.measures().size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = stats.value(request.measures().get(i), seconds);
    }
    return values;
  }

  private static String lookup(SortedSetDocValues values, long ord) {
    try {
      return values.lookupOrd(ord).utf8ToString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
