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
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.TermsEnum;
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

  /** Counts and statistics of one group, or of one time bucket of it; fields by index. */
  private static final class Stats {
    long count;
    long errors;
    final long[] n;
    final double[] sum;
    final double[] min;
    final double[] max;
    final DoubleHistogram[] histograms;

    Stats(int fields) {
      n = new long[fields];
      sum = new double[fields];
      min = new double[fields];
      max = new double[fields];
      histograms = new DoubleHistogram[fields];
      java.util.Arrays.fill(min, Double.MAX_VALUE);
      java.util.Arrays.fill(max, -Double.MAX_VALUE);
    }

    void add(double[] values, boolean[] present, boolean error, boolean[] percentile) {
      count++;
      if (error) {
        errors++;
      }
      for (int f = 0; f < values.length; f++) {
        if (!present[f]) {
          continue;
        }
        double value = values[f];
        n[f]++;
        sum[f] += value;
        if (value < min[f]) {
          min[f] = value;
        }
        if (value > max[f]) {
          max[f] = value;
        }
        if (percentile[f]) {
          if (histograms[f] == null) {
            histograms[f] = new DoubleHistogram(3);
          }
          histograms[f].recordValue(Math.max(0, value));
        }
      }
    }

    /** The measure's value; NaN when the bucket has no values of its field. */
    double value(Measure measure, int field, double seconds) {
      return switch (measure.function()) {
        case COUNT -> count;
        case RATE -> seconds > 0 ? count / seconds : Double.NaN;
        case ERRORS -> errors;
        default -> {
          if (field < 0 || n[field] == 0) {
            yield Double.NaN;
          }
          yield switch (measure.function()) {
            case AVG -> sum[field] / n[field];
            case MIN -> min[field];
            case MAX -> max[field];
            case SUM -> sum[field];
            default -> histograms[field].getValueAtPercentile(measure.function().quantile() * 100);
          };
        }
      };
    }
  }

  /**
   * A group: its key values, its totals and its time buckets — an array over the range when it has
   * few enough buckets, a sorted map otherwise.
   */
  private final class Group {
    final List<String> key;
    final Stats total = new Stats(fieldCount);
    final Stats[] bucketArray;
    final TreeMap<Long, Stats> bucketMap;

    Group(List<String> key) {
      this.key = key;
      this.bucketArray =
          bucketCount > 0 && bucketCount <= ARRAY_BUCKETS ? new Stats[bucketCount] : null;
      this.bucketMap = bucketCount > ARRAY_BUCKETS ? new TreeMap<>() : null;
    }

    Stats bucket(long start) {
      if (bucketArray != null) {
        int i = (int) ((start - firstBucket) / request.intervalNanos());
        if (i >= 0 && i < bucketArray.length) {
          Stats stats = bucketArray[i];
          if (stats == null) {
            stats = bucketArray[i] = new Stats(fieldCount);
          }
          return stats;
        }
        return null; // a record just outside the range asked
      }
      return bucketMap.computeIfAbsent(start, b -> new Stats(fieldCount));
    }

    Stats bucketOrNull(long start) {
      if (bucketArray != null) {
        int i = (int) ((start - firstBucket) / request.intervalNanos());
        return i >= 0 && i < bucketArray.length ? bucketArray[i] : null;
      }
      return bucketMap.get(start);
    }
  }

  /** Group-by ordinal combinations held in an array per segment up to this many. */
  private static final long ARRAY_GROUPS = 1 << 20;

  /** Histogram buckets held in an array per group up to this many. */
  private static final int ARRAY_BUCKETS = 4096;

  private final AggregationRequest request;
  private final Map<List<String>, Group> groups = new HashMap<>();
  private final Set<String> fields = new LinkedHashSet<>();
  private final Set<String> percentileFields = new LinkedHashSet<>();
  private final boolean needErrors;
  private int fieldCount;
  private String[] fieldNames;
  private boolean[] doubles;
  private boolean[] percentiles;
  private int[] measureFields;
  private long firstBucket;
  private int bucketCount;

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
    this.fieldNames = fields.toArray(String[]::new);
    this.fieldCount = fieldNames.length;
    this.doubles = new boolean[fieldCount];
    this.percentiles = new boolean[fieldCount];
    for (int f = 0; f < fieldCount; f++) {
      doubles[f] = DOUBLES.contains(fieldNames[f]);
      percentiles[f] = percentileFields.contains(fieldNames[f]);
    }
    this.measureFields = new int[request.measures().size()];
    List<String> names = List.of(fieldNames);
    for (int m = 0; m < measureFields.length; m++) {
      Measure measure = request.measures().get(m);
      measureFields[m] = measure.function().needsField() ? names.indexOf(measure.field()) : -1;
    }
    long interval = request.intervalNanos();
    if (interval > 0) {
      firstBucket = Math.floorDiv(request.startNanos(), interval) * interval;
      long last = Math.floorDiv(request.endNanos(), interval) * interval;
      bucketCount = (int) Math.min(Integer.MAX_VALUE, (last - firstBucket) / interval + 1);
    }
  }

  void visit(LeafReader segment, DocIdSetIterator matches, Deadline deadline) throws IOException {
    List<String> groupBy = request.groupBy();
    long interval = request.intervalNanos();
    SortedSetDocValues[] keys = new SortedSetDocValues[groupBy.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = DocValues.getSortedSet(segment, groupBy.get(i));
    }
    // This segment's groups by ordinals — an array indexed by the ordinals of every field
    // together (mixed radix, "no value" as one more ordinal) while the combinations are few, a
    // map otherwise: the key strings are looked up once per distinct key, not once per record.
    long combinations = 1;
    for (SortedSetDocValues key : keys) {
      combinations =
          combinations > ARRAY_GROUPS ? combinations : combinations * (key.getValueCount() + 1);
    }
    Group[] byOrd =
        keys.length > 0 && combinations <= ARRAY_GROUPS ? new Group[(int) combinations] : null;
    Map<List<Long>, Group> byOrds = keys.length > 0 && byOrd == null ? new HashMap<>() : null;
    Group only = null;
    NumericDocValues timestamps = DocValues.getNumeric(segment, DocumentBuilder.TIMESTAMP);
    NumericDocValues[] numbers = new NumericDocValues[fieldCount];
    for (int f = 0; f < fieldCount; f++) {
      numbers[f] = DocValues.getNumeric(segment, fieldNames[f]);
    }
    SortedSetDocValues status = needErrors ? DocValues.getSortedSet(segment, "status.code") : null;
    long errorOrd = status == null ? -1 : status.lookupTerm(new BytesRef("error"));
    double[] values = new double[fieldCount];
    boolean[] present = new boolean[fieldCount];
    long[] ords = new long[keys.length];
    int visited = 0;
    for (int doc = matches.nextDoc();
        doc != DocIdSetIterator.NO_MORE_DOCS;
        doc = matches.nextDoc()) {
      TimedSearcher.checkEvery(++visited, deadline);
      Group group;
      if (keys.length == 0) {
        group = only != null ? only : (only = group(keys, ords));
      } else if (byOrd != null) {
        int slot = 0;
        for (int i = 0; i < keys.length; i++) {
          ords[i] = keys[i].advanceExact(doc) ? keys[i].nextOrd() : -1;
          slot = (int) (slot * (keys[i].getValueCount() + 1) + ords[i] + 1);
        }
        group = byOrd[slot];
        if (group == null) {
          group = byOrd[slot] = group(keys, ords);
        }
      } else {
        Long[] boxed = new Long[keys.length];
        for (int i = 0; i < keys.length; i++) {
          ords[i] = keys[i].advanceExact(doc) ? keys[i].nextOrd() : -1;
          boxed[i] = ords[i];
        }
        List<Long> ordKey = List.of(boxed);
        group = byOrds.get(ordKey);
        if (group == null) {
          group = group(keys, ords);
          byOrds.put(ordKey, group);
        }
      }
      for (int f = 0; f < fieldCount; f++) {
        present[f] = numbers[f].advanceExact(doc);
        if (present[f]) {
          long raw = numbers[f].longValue();
          values[f] = doubles[f] ? NumericUtils.sortableLongToDouble(raw) : raw;
        }
      }
      boolean error = errorOrd >= 0 && status.advanceExact(doc) && status.nextOrd() == errorOrd;
      group.total.add(values, present, error, percentiles);
      if (interval > 0 && timestamps.advanceExact(doc)) {
        Stats bucket = group.bucket(Math.floorDiv(timestamps.longValue(), interval) * interval);
        if (bucket != null) {
          bucket.add(values, present, error, percentiles);
        }
      }
    }
  }

  /**
   * Whether this aggregation is counts alone (count, rate) by at most one field: what {@link
   * #countInTimeOrder} answers without visiting the records one by one.
   */
  boolean countsOnly() {
    return fieldCount == 0 && !needErrors && request.groupBy().size() <= 1;
  }

  /**
   * Counts the records of {@code segment} in the request's time range when every record of it
   * matches the query: the index is sorted by time, so the range and each time bucket are runs of
   * document ids; a run covering the whole segment takes its counts per value from the terms index,
   * any other from the values' ordinals. False, having counted nothing, when the segment does not
   * allow it (deletions, another sort, a field with several values per record).
   */
  boolean countInTimeOrder(LeafReader segment, Deadline deadline) throws IOException {
    if (!countsOnly() || segment.getLiveDocs() != null) {
      return false;
    }
    TimeOrderedDocs docs = TimeOrderedDocs.of(segment);
    if (docs == null) {
      return false;
    }
    String field = request.groupBy().isEmpty() ? null : request.groupBy().getFirst();
    SortedDocValues key = null;
    if (field != null) {
      key = DocValues.unwrapSingleton(DocValues.getSortedSet(segment, field));
      if (key == null) {
        return false;
      }
    }
    int[] range = docs.within(request.startNanos(), request.endNanos());
    List<Run> runs = new ArrayList<>();
    long interval = request.intervalNanos();
    if (interval <= 0) {
      runs.add(new Run(range[0], range[1], null));
    } else {
      for (int doc = range[0]; doc < range[1]; ) {
        TimedSearcher.check(deadline);
        long bucket = Math.floorDiv(docs.timestamp(doc), interval) * interval;
        int next = docs.firstOlderThan(doc, range[1], bucket);
        runs.add(new Run(doc, next, bucket));
        doc = next;
      }
    }
    if (!runs.isEmpty() && runs.getFirst().from() < runs.getLast().to()) {
      new SegmentCounts(segment, field, key, deadline).add(runs);
    }
    return true;
  }

  /** The documents [from, to) of a segment, all in the time bucket {@code bucket} unless null. */
  private record Run(int from, int to, Long bucket) {
    int length() {
      return to - from;
    }
  }

  /** Grouped by a field of at most this many values, runs are counted from its postings. */
  private static final int POSTINGS_TERMS = 512;

  /** Adds contiguous runs of one segment's documents to their groups' counts. */
  private final class SegmentCounts {
    private final LeafReader segment;
    private final String field;
    private final SortedDocValues key;
    private final Deadline deadline;
    private final Group[] byOrd;
    private long[] perOrd;

    SegmentCounts(LeafReader segment, String field, SortedDocValues key, Deadline deadline) {
      this.segment = segment;
      this.field = field;
      this.key = key;
      this.deadline = deadline;
      this.byOrd = key == null ? null : new Group[key.getValueCount() + 1];
    }

    void add(List<Run> runs) throws IOException {
      if (key == null) {
        Group only = groupOf(List.of());
        for (Run run : runs) {
          count(only, run.length(), run.bucket());
        }
        return;
      }
      Run only = runs.size() == 1 ? runs.getFirst() : null;
      if (only != null && only.length() == segment.maxDoc() && countFromTerms(only)) {
        return;
      }
      org.apache.lucene.index.Terms terms = segment.terms(field);
      if (terms != null && terms.size() >= 0 && terms.size() <= POSTINGS_TERMS) {
        countFromPostings(terms, runs);
        return;
      }
      for (Run run : runs) {
        countFromOrdinals(run.from(), run.to(), run.bucket());
      }
    }

    /** Per value, its document frequency: each document holds one value or none. */
    private boolean countFromTerms(Run run) throws IOException {
      org.apache.lucene.index.Terms terms = segment.terms(field);
      if (terms == null) {
        return false;
      }
      long withValue = 0;
      TermsEnum each = terms.iterator();
      for (BytesRef term = each.next(); term != null; term = each.next()) {
        int n = each.docFreq();
        withValue += n;
        count(groupOf(List.of(term.utf8ToString())), n, run.bucket());
      }
      if (withValue > run.length()) {
        throw new IllegalStateException(field + " holds more values than documents");
      }
      if (withValue < run.length()) {
        count(groupOf(List.of("")), run.length() - withValue, run.bucket());
      }
      return true;
    }

    /**
     * Per value, its documents in each run, from its postings: decoded a block at a time, where doc
     * values would be read document by document.
     */
    private void countFromPostings(org.apache.lucene.index.Terms terms, List<Run> runs)
        throws IOException {
      long[] withValue = new long[runs.size()];
      int first = runs.getFirst().from();
      int end = runs.getLast().to();
      int longest = 0;
      for (Run run : runs) {
        longest = Math.max(longest, run.length());
      }
      org.apache.lucene.util.FixedBitSet bits = new org.apache.lucene.util.FixedBitSet(longest);
      TermsEnum each = terms.iterator();
      org.apache.lucene.index.PostingsEnum postings = null;
      for (BytesRef term = each.next(); term != null; term = each.next()) {
        TimedSearcher.check(deadline);
        postings = each.postings(postings, org.apache.lucene.index.PostingsEnum.NONE);
        Group group = null;
        int doc = postings.advance(first);
        for (int i = 0; i < runs.size() && doc < end; i++) {
          Run run = runs.get(i);
          if (doc >= run.to()) {
            continue; // the runs are contiguous: the next one starts where this one ends
          }
          // Whole blocks of postings OR'ed in as words, counted by popcount.
          postings.intoBitSet(run.to(), bits, run.from());
          int n = bits.cardinality(0, run.length());
          bits.clear(0, run.length());
          doc = postings.docID();
          if (n > 0) {
            group = group != null ? group : groupOf(List.of(term.utf8ToString()));
            count(group, n, run.bucket());
            withValue[i] += n;
          }
        }
      }
      for (int i = 0; i < withValue.length; i++) {
        long without = runs.get(i).length() - withValue[i];
        if (without > 0) {
          count(groupOf(List.of("")), without, runs.get(i).bucket());
        }
      }
    }

    private void countFromOrdinals(int from, int to, Long bucket) throws IOException {
      int values = key.getValueCount();
      if (perOrd == null) {
        perOrd = new long[values + 1];
      }
      // A fresh iterator: runs may go back (another bucket's of the same segment).
      SortedDocValues ords = DocValues.unwrapSingleton(DocValues.getSortedSet(segment, field));
      for (int doc = from; doc < to; doc++) {
        TimedSearcher.checkEvery(doc - from + 1, deadline);
        perOrd[ords.advanceExact(doc) ? ords.ordValue() + 1 : 0]++;
      }
      for (int slot = 0; slot <= values; slot++) {
        long n = perOrd[slot];
        if (n == 0) {
          continue;
        }
        perOrd[slot] = 0;
        Group group = byOrd[slot];
        if (group == null) {
          group = byOrd[slot] = groupOf(List.of(slot == 0 ? "" : lookup(key, slot - 1)));
        }
        count(group, n, bucket);
      }
    }

    private void count(Group group, long n, Long bucket) {
      group.total.count += n;
      if (bucket != null) {
        Stats stats = group.bucket(bucket);
        if (stats != null) {
          stats.count += n;
        }
      }
    }
  }

  /** The group of these key strings, found or made. */
  private Group groupOf(List<String> key) {
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
    return group;
  }

  /** The group of these ordinals (-1: no value), found or made by its key strings. */
  private Group group(SortedSetDocValues[] keys, long[] ords) {
    List<String> key = new ArrayList<>(keys.length);
    for (int i = 0; i < keys.length; i++) {
      key.add(ords[i] < 0 ? "" : lookup(keys[i], ords[i]));
    }
    return groupOf(key);
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
    Stats empty = new Stats(fieldCount);
    for (Group group : top) {
      List<AggregationResult.TimeBucket> histogram = new ArrayList<>();
      if (interval > 0) {
        for (long i = 0; i < bucketCount; i++) {
          long bucket = firstBucket + i * interval;
          Stats stats = group.bucketOrNull(bucket);
          histogram.add(
              new AggregationResult.TimeBucket(
                  bucket, values(stats == null ? empty : stats, interval / 1e9)));
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
      values[i] = stats.value(request.measures().get(i), measureFields[i], seconds);
    }
    return values;
  }

  private static String lookup(SortedDocValues values, int ord) {
    try {
      return values.lookupOrd(ord).utf8ToString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String lookup(SortedSetDocValues values, long ord) {
    try {
      return values.lookupOrd(ord).utf8ToString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
