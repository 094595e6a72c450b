package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.AggregationRequest;
import dev.spyglass.storage.AggregationResult;
import dev.spyglass.storage.Answer;
import dev.spyglass.storage.Cursor;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.Dependency;
import dev.spyglass.storage.DependencyLinker;
import dev.spyglass.storage.ExportPage;
import dev.spyglass.storage.ExportRequest;
import dev.spyglass.storage.FieldKind;
import dev.spyglass.storage.InvalidQueryException;
import dev.spyglass.storage.LogPattern;
import dev.spyglass.storage.MetricQuery;
import dev.spyglass.storage.MetricSeries;
import dev.spyglass.storage.MetricSeriesBuilder;
import dev.spyglass.storage.Operation;
import dev.spyglass.storage.RecordOrigin;
import dev.spyglass.storage.SearchHit;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.SearchResult;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredPoint;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.StoredRecords;
import dev.spyglass.storage.StoredSpan;
import dev.spyglass.storage.TailListener;
import dev.spyglass.storage.TailRequest;
import dev.spyglass.storage.TailSubscription;
import dev.spyglass.storage.TelemetryReader;
import dev.spyglass.storage.TraceRecords;
import dev.spyglass.storage.TraceRequest;
import dev.spyglass.storage.patterns.PatternQueries;
import dev.spyglass.storage.patterns.PatternState;
import dev.spyglass.storage.query.IdTerms;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.ExitableDirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.BytesRef;

/**
 * Reads the Lucene partitions. Partitions are disjoint in time, so a newest-first search walks them
 * newest first and stops when the page is full; a cursor skips partitions newer than it. Every read
 * runs under its deadline ({@link TimedSearcher}); aggregations over doc values are {@link
 * DocValuesReads}'.
 */
final class LuceneReader implements TelemetryReader {
  static final int MAX_DEPENDENCY_SPANS = 100_000;
  private static final int PAGE = 1000;
  private static final Set<String> SOURCE_ONLY =
      Set.of(DocumentBuilder.SOURCE, DocumentBuilder.ELIDED);
  private static final Set<String> SOURCE_AND_PATTERN =
      Set.of(DocumentBuilder.SOURCE, DocumentBuilder.ELIDED, DocumentBuilder.PATTERN_ID);
  private static final Sort OLDEST_FIRST =
      new Sort(
          new SortField(DocumentBuilder.TIMESTAMP, SortField.Type.LONG),
          new SortField(DocumentBuilder.LSN, SortField.Type.LONG),
          new SortField(DocumentBuilder.POSITION, SortField.Type.LONG));

  private final PartitionSet partitions;
  private final boolean leadingWildcard;
  private final DocValuesReads docValues;

  private final dev.spyglass.storage.tail.LiveTail tail;
  private final PatternState patterns;

  LuceneReader(
      PartitionSet partitions,
      boolean leadingWildcard,
      dev.spyglass.storage.tail.LiveTail tail,
      PatternState patterns) {
    this.partitions = partitions;
    this.leadingWildcard = leadingWildcard;
    this.tail = tail;
    this.patterns = patterns;
    this.docValues = new DocValuesReads(partitions, this::matching);
  }

  /** One page of records, before highlighting. */
  private record Page(
      long total, List<StoredRecord> records, Optional<Cursor> next, boolean partial) {}

  @Override
  public SearchResult search(SearchRequest request) throws IOException {
    Query parsed = parse(request.query());
    Page page =
        page(
            request.signal(),
            and(parsed, timeRange(request.startNanos(), request.endNanos())),
            request.startNanos(),
            request.endNanos(),
            request.limit(),
            request.after(),
            request.oldestFirst(),
            request.countTotal(),
            request.deadline());
    Set<String> bodyTerms =
        request.highlight() && request.signal() == Signal.LOGS
            ? QueryTerms.of(parsed, "body")
            : Set.of();
    List<SearchHit> hits = new ArrayList<>(page.records().size());
    for (StoredRecord record : page.records()) {
      hits.add(new SearchHit(record, highlights(record, bodyTerms)));
    }
    return new SearchResult(page.total(), hits, page.next(), page.partial());
  }

  private static Map<String, String> highlights(StoredRecord record, Set<String> bodyTerms) {
    if (bodyTerms.isEmpty() || !(record instanceof StoredLog log)) {
      return Map.of();
    }
    String marked =
        Highlighter.highlight(
            "body", dev.spyglass.storage.RecordFields.text(log.log().getBody()), bodyTerms);
    return marked == null ? Map.of() : Map.of("body", marked);
  }

  @Override
  public ExportPage export(ExportRequest request) throws IOException {
    Page page =
        page(
            request.signal(),
            matching(request.query(), request.startNanos(), request.endNanos()),
            request.startNanos(),
            request.endNanos(),
            request.pageSize(),
            request.after(),
            false,
            false,
            request.deadline());
    if (page.partial()) {
      return new ExportPage(List.of(), request.after(), true);
    }
    return new ExportPage(page.records(), page.next(), false);
  }

  @Override
  public TraceRecords trace(TraceRequest request) throws IOException {
    Query byId =
        new TermQuery(
            new Term(
                "trace_id", IdTerms.term(java.util.HexFormat.of().parseHex(request.traceIdHex()))));
    Query query =
        request.startNanos() == Long.MIN_VALUE && request.endNanos() == Long.MAX_VALUE
            ? byId
            : and(byId, timeRange(request.startNanos(), request.endNanos()));
    Page spans =
        page(
            Signal.TRACES,
            query,
            request.startNanos(),
            request.endNanos(),
            request.limit(),
            Optional.empty(),
            false,
            false,
            request.deadline());
    Page logs =
        request.withLogs() && !spans.partial()
            ? page(
                Signal.LOGS,
                query,
                request.startNanos(),
                request.endNanos(),
                request.limit(),
                Optional.empty(),
                false,
                false,
                request.deadline())
            : new Page(0, List.of(), Optional.empty(), spans.partial());
    return new TraceRecords(
        spans.records().stream().map(StoredSpan.class::cast).toList(),
        logs.records().stream().map(StoredLog.class::cast).toList(),
        spans.partial() || logs.partial());
  }

  @Override
  public Answer<List<String>> services(
      Signal signal, long startNanos, long endNanos, Deadline deadline) throws IOException {
    return docValues.services(signal, startNanos, endNanos, deadline);
  }

  @Override
  public Answer<List<Operation>> operations(
      String service, long startNanos, long endNanos, Deadline deadline) throws IOException {
    return docValues.operations(service, startNanos, endNanos, deadline);
  }

  @Override
  public AggregationResult aggregate(AggregationRequest request) throws IOException {
    return docValues.aggregate(request);
  }

  @Override
  public MetricSeries metricSeries(MetricQuery query) throws IOException {
    Query points = new TermQuery(new Term("metric.name", query.name()));
    if (!query.query().isBlank()) {
      points = and(points, parse(query.query()));
    }
    Query filter = and(points, timeRange(query.startNanos(), query.endNanos()));
    MetricSeriesBuilder series = new MetricSeriesBuilder(query);
    Optional<Cursor> cursor = Optional.empty();
    do {
      Page page =
          page(
              Signal.METRICS,
              filter,
              query.startNanos(),
              query.endNanos(),
              PAGE,
              cursor,
              true,
              false,
              query.deadline());
      page.records().forEach(record -> series.add((StoredPoint) record));
      if (page.partial()) {
        return series.build(true);
      }
      cursor = page.next();
    } while (cursor.isPresent());
    return series.build(false);
  }

  @Override
  public Answer<List<Dependency>> dependencies(long startNanos, long endNanos, Deadline deadline)
      throws IOException {
    DependencyLinker linker = new DependencyLinker();
    Query filter = timeRange(startNanos, endNanos);
    Optional<Cursor> cursor = Optional.empty();
    int scanned = 0;
    boolean partial = false;
    do {
      Page page =
          page(Signal.TRACES, filter, startNanos, endNanos, PAGE, cursor, false, false, deadline);
      page.records().forEach(record -> linker.add((StoredSpan) record));
      scanned += page.records().size();
      partial = page.partial() || (page.next().isPresent() && scanned >= MAX_DEPENDENCY_SPANS);
      cursor = page.next();
    } while (cursor.isPresent() && !partial);
    return new Answer<>(linker.link(), partial);
  }

  @Override
  public Map<String, FieldKind> fields(Signal signal) throws IOException {
    Map<String, FieldKind> fields = new TreeMap<>();
    for (Partition partition :
        partitions.overlapping(signal, Long.MIN_VALUE, Long.MAX_VALUE, true)) {
      IndexSearcher searcher = partition.acquire();
      try {
        for (FieldInfo field : FieldInfos.getMergedFieldInfos(searcher.getIndexReader())) {
          kind(field).ifPresent(kind -> fields.put(field.getName(), kind));
        }
      } finally {
        partition.release(searcher);
      }
    }
    return fields;
  }

  @Override
  public TailSubscription tail(TailRequest request, TailListener listener) {
    return tail.subscribe(request, listener);
  }

  @Override
  public Optional<LogPattern> pattern(String id) {
    return patterns == null ? Optional.empty() : patterns.resolve(id);
  }

  /**
   * {@code query} parsed, each {@code pattern.id:X} standing for every id given at ingest that
   * resolves to X's pattern now (so a merged pattern finds the records of all its parts).
   */
  private Query parse(String query) {
    return IdTerms.asBytes(PatternQueries.parse(query, leadingWildcard, patterns));
  }

  /** The documents matching {@code query} (Lucene syntax) in [start, end]. */
  Query matching(String query, long startNanos, long endNanos) {
    return and(parse(query), timeRange(startNanos, endNanos));
  }

  private static Query timeRange(long startNanos, long endNanos) {
    return NumericDocValuesField.newSlowRangeQuery(DocumentBuilder.TIMESTAMP, startNanos, endNanos);
  }

  private static Query and(Query a, Query b) {
    return new BooleanQuery.Builder()
        .add(a, BooleanClause.Occur.FILTER)
        .add(b, BooleanClause.Occur.FILTER)
        .build();
  }

  /**
   * One page of {@code query}'s records in the order asked, over the partitions overlapping [start,
   * end], counting every match if asked, until the deadline.
   */
  private Page page(
      Signal signal,
      Query query,
      long startNanos,
      long endNanos,
      int limit,
      Optional<Cursor> after,
      boolean oldestFirst,
      boolean countTotal,
      Deadline deadline)
      throws IOException {
    Sort sort = oldestFirst ? OLDEST_FIRST : Partition.SORT;
    long total = 0;
    boolean partial = false;
    List<StoredRecord> records = new ArrayList<>();
    for (Partition partition : partitions.overlapping(signal, startNanos, endNanos, !oldestFirst)) {
      int wanted = limit - records.size();
      if (wanted <= 0 && !countTotal) {
        break;
      }
      if (deadline.expired()) {
        partial = true;
        break;
      }
      try (TimedSearcher timed = TimedSearcher.open(partition, deadline, query)) {
        IndexSearcher searcher = timed.searcher();
        if (countTotal) {
          total += searcher.count(query);
        }
        if (wanted > 0 && !passed(partition, after, oldestFirst)) {
          TopDocs top =
              after.isPresent()
                  ? searcher.searchAfter(fieldDoc(after.get(), searcher), query, wanted, sort)
                  : searcher.search(query, wanted, sort);
          collect(searcher, top.scoreDocs, signal, records);
        }
        if (timed.timedOut()) {
          partial = true;
          break;
        }
      } catch (ExitableDirectoryReader.ExitingReaderException e) {
        partial = true;
        break;
      } catch (RuntimeException e) {
        InvalidQueryException refused = TimedSearcher.refused(e);
        throw refused != null ? refused : e;
      }
    }
    Optional<Cursor> next =
        records.size() == limit ? Optional.of(records.getLast().cursor()) : Optional.empty();
    return new Page(countTotal ? total : -1, records, next, partial);
  }

  /** True when every record of the partition comes before the cursor in this order. */
  private static boolean passed(Partition partition, Optional<Cursor> after, boolean oldestFirst) {
    if (after.isEmpty()) {
      return false;
    }
    long cursor = after.get().timestampNanos();
    return oldestFirst ? partition.endNanos() <= cursor : partition.startNanos() > cursor;
  }

  private static Optional<FieldKind> kind(FieldInfo field) {
    String name = field.getName();
    if (name.startsWith("_")) {
      return Optional.empty();
    }
    if (name.equals(DocumentBuilder.TIMESTAMP)) {
      return Optional.of(FieldKind.TIME);
    }
    if (field.getPointDimensionCount() > 0) {
      return Optional.of(FieldKind.NUMBER);
    }
    if (field.getIndexOptions() == IndexOptions.DOCS_AND_FREQS_AND_POSITIONS) {
      return Optional.of(FieldKind.TEXT);
    }
    if (field.getIndexOptions() != IndexOptions.NONE) {
      return Optional.of(FieldKind.KEYWORD);
    }
    return Optional.empty();
  }

  /** Decodes the hits' stored records, once. */
  private void collect(
      IndexSearcher searcher, ScoreDoc[] docs, Signal signal, List<StoredRecord> into)
      throws IOException {
    var stored = searcher.storedFields();
    Set<String> fields = signal == Signal.LOGS ? SOURCE_AND_PATTERN : SOURCE_ONLY;
    // A page's hits share few patterns: each is resolved once.
    Map<String, LogPattern> resolved = new HashMap<>();
    RecordOrigin[] origins = HitOrigins.of(searcher.getIndexReader(), docs, signal);
    for (int hit = 0; hit < docs.length; hit++) {
      ScoreDoc doc = docs[hit];
      FieldDoc fieldDoc = (FieldDoc) doc;
      Cursor cursor =
          new Cursor(
              (Long) fieldDoc.fields[0],
              (Long) fieldDoc.fields[1],
              ((Long) fieldDoc.fields[2]).intValue());
      Document document = stored.document(doc.doc, fields);
      BytesRef source = document.getBinaryValue(DocumentBuilder.SOURCE);
      byte[] bytes =
          source.offset == 0 && source.length == source.bytes.length
              ? source.bytes
              : BytesRef.deepCopyOf(source).bytes;
      StoredRecord record =
          origins[hit] != null
              ? StoredRecords.decode(signal, origins[hit], bytes, elided(document), cursor)
              : StoredRecords.decode(signal, bytes, cursor);
      String patternId = document.get(DocumentBuilder.PATTERN_ID);
      if (patternId != null && record instanceof StoredLog log) {
        record =
            log.withPattern(
                resolved.computeIfAbsent(patternId, id -> pattern(id).orElse(LogPattern.NONE)));
      }
      into.add(record);
    }
  }

  private static int elided(Document document) {
    var field = document.getField(DocumentBuilder.ELIDED);
    return field == null ? 0 : field.numericValue().intValue();
  }

  /**
   * The cursor as a search-after point. Sort values are unique, so the doc id only matters for the
   * cursor's own record, which the highest doc id keeps out of the next page.
   */
  private static FieldDoc fieldDoc(Cursor cursor, IndexSearcher searcher) {
    return new FieldDoc(
        Math.max(0, searcher.getIndexReader().maxDoc() - 1),
        Float.NaN,
        new Object[] {cursor.timestampNanos(), cursor.lsn(), (long) cursor.position()});
  }
}
