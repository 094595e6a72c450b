package dev.spyglass.storage.embedded;

import com.google.protobuf.Message;
import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.Traces;
import dev.spyglass.storage.Cursor;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.StoredRecords;
import dev.spyglass.storage.TailListener;
import dev.spyglass.storage.TailRequest;
import dev.spyglass.storage.TailSubscription;
import dev.spyglass.storage.wal.WalRecord;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.memory.MemoryIndex;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.slf4j.Logger;

/**
 * Live tails (docs/adr/0015): acknowledged requests are matched, on a thread of their own, against
 * each subscriber's query in a one-document {@link MemoryIndex} built from the very document the
 * indexer writes — so a tail matches exactly what a search would, without waiting for a refresh.
 * The write-ahead log's acknowledging thread only queues the batch; a full queue (the tail is
 * behind) drops the batch and tells the subscribers how many of their signal's records it skipped.
 */
final class LiveTail implements Closeable {
  /** Acknowledged request bytes the tail may hold before it skips batches. */
  static final long MAX_QUEUED_BYTES = 32L << 20;

  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");

  private final RecordMapper mapper;
  private final java.util.function.Function<String, Query> parse;
  private final java.util.function.Function<String, dev.spyglass.storage.LogPattern> patterns;
  private final Logger log;
  private final Analyzer analyzer = Partition.analyzer();
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final BlockingQueue<List<WalRecord>> queue = new ArrayBlockingQueue<>(4096);
  private final AtomicLong queuedBytes = new AtomicLong();
  private final LongCounter records;
  private final Thread thread;
  private volatile boolean closed;

  /**
   * @param mapper maps records as the indexer does (its pattern ids: each record's pattern now)
   * @param parse parses a query as searches do
   * @param patterns the pattern of a pattern id, as hits carry it
   */
  LiveTail(
      RecordMapper mapper,
      java.util.function.Function<String, Query> parse,
      java.util.function.Function<String, dev.spyglass.storage.LogPattern> patterns,
      Logger log,
      Meter meter) {
    this.mapper = mapper;
    this.parse = parse;
    this.patterns = patterns;
    this.log = log;
    this.records =
        meter
            .counterBuilder("spyglass_store_tail_records")
            .setDescription(
                "Records handed to live tails (outcome=sent) or skipped because a tail fell behind"
                    + " (outcome=dropped)")
            .build();
    meter
        .gaugeBuilder("spyglass_store_tail_subscribers")
        .ofLongs()
        .setDescription("Live tails open")
        .buildWithCallback(m -> m.record(subscribers.size()));
    this.thread =
        Thread.ofPlatform().name("spyglass-live-tail").daemon().unstarted(this::matchForever);
    thread.start();
  }

  /** Subscribes; the query is parsed here, so a bad one fails the call. */
  TailSubscription subscribe(TailRequest request, TailListener listener) {
    Subscriber subscriber =
        new Subscriber(request.signal(), parse.apply(request.query()), listener);
    if (closed) {
      listener.closed();
      return () -> {};
    }
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  /** The write-ahead log's durable batch, in acknowledgement order: queued, never matched here. */
  void acknowledged(List<WalRecord> batch) {
    if (subscribers.isEmpty() || closed) {
      return;
    }
    long bytes = 0;
    for (WalRecord record : batch) {
      bytes += record.request().length;
    }
    if (queuedBytes.get() + bytes > MAX_QUEUED_BYTES || !queue.offer(batch)) {
      skipped(batch);
      return;
    }
    queuedBytes.addAndGet(bytes);
  }

  private void matchForever() {
    while (!closed) {
      List<WalRecord> batch;
      try {
        batch = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      for (WalRecord record : batch) {
        queuedBytes.addAndGet(-record.request().length);
      }
      try {
        match(batch);
      } catch (RuntimeException e) {
        log.warn("live tail could not match acknowledged records: {}", e.toString());
      }
    }
  }

  private void match(List<WalRecord> batch) {
    List<Subscriber> open = List.copyOf(subscribers);
    for (WalRecord record : batch) {
      List<Subscriber> interested = open.stream().filter(s -> s.signal == record.signal()).toList();
      if (interested.isEmpty()) {
        continue;
      }
      List<MappedDocument> documents;
      try {
        documents = mapper.map(record);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        continue; // the indexer reports it
      }
      for (int position = 0; position < documents.size(); position++) {
        MappedDocument document = documents.get(position);
        IndexSearcher searcher = index(document.document()).createSearcher();
        StoredRecord stored = null;
        for (Subscriber subscriber : interested) {
          if (!matches(searcher, subscriber.query)) {
            continue;
          }
          if (stored == null) {
            stored =
                StoredRecords.decode(
                    record.signal(),
                    document.document().getBinaryValue(DocumentBuilder.SOURCE).bytes,
                    new Cursor(document.timestampNanos(), record.lsn(), position));
            String patternId = document.document().get(DocumentBuilder.PATTERN_ID);
            if (patternId != null && stored instanceof dev.spyglass.storage.StoredLog storedLog) {
              stored = storedLog.withPattern(patterns.apply(patternId));
            }
          }
          subscriber.matched.add(stored);
        }
      }
    }
    for (Subscriber subscriber : open) {
      if (!subscriber.matched.isEmpty()) {
        List<StoredRecord> matched = subscriber.matched;
        subscriber.matched = new ArrayList<>();
        records.add(matched.size(), Attributes.of(OUTCOME, "sent"));
        subscriber.listener.records(matched);
      }
    }
  }

  /**
   * One document's indexed fields (terms and points) in a fresh memory index; doc-values-only and
   * stored fields are left out, as no query reads them.
   */
  private MemoryIndex index(Document document) {
    MemoryIndex index = new MemoryIndex();
    for (IndexableField field : document.getFields()) {
      if (field.fieldType().indexOptions() != IndexOptions.NONE
          || field.fieldType().pointDimensionCount() > 0) {
        index.addField(field, analyzer);
      }
    }
    return index;
  }

  private static boolean matches(IndexSearcher searcher, Query query) {
    try {
      return searcher.count(query) > 0;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // a memory index does no I/O
    }
  }

  /** Tells each subscriber of the batch's signals how many records it skipped. */
  private void skipped(List<WalRecord> batch) {
    for (Signal signal : Signal.values()) {
      long count = 0;
      for (WalRecord record : batch) {
        if (record.signal() == signal) {
          count += items(record);
        }
      }
      if (count == 0) {
        continue;
      }
      for (Subscriber subscriber : subscribers) {
        if (subscriber.signal == signal) {
          records.add(count, Attributes.of(OUTCOME, "dropped"));
          subscriber.listener.dropped(count);
        }
      }
    }
  }

  /** The log records, spans or points of an acknowledged request; 1 if it does not decode. */
  private static int items(WalRecord record) {
    try {
      Message request =
          record.decoded().isPresent()
              ? record.decoded().get()
              : switch (record.signal()) {
                case LOGS -> ExportLogsServiceRequest.parseFrom(record.request());
                case TRACES -> ExportTraceServiceRequest.parseFrom(record.request());
                case METRICS -> ExportMetricsServiceRequest.parseFrom(record.request());
              };
      Telemetry telemetry =
          switch (request) {
            case ExportLogsServiceRequest logs -> Logs.of(logs, RequestContext.EMPTY);
            case ExportTraceServiceRequest spans -> Traces.of(spans, RequestContext.EMPTY);
            case ExportMetricsServiceRequest points -> Metrics.of(points, RequestContext.EMPTY);
            default -> null;
          };
      return telemetry == null ? 1 : telemetry.itemCount();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return 1;
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Subscriber subscriber : subscribers) {
      subscriber.listener.closed();
    }
    subscribers.clear();
    queue.clear();
  }

  private static final class Subscriber {
    final Signal signal;
    final Query query;
    final TailListener listener;
    List<StoredRecord> matched = new ArrayList<>();

    Subscriber(Signal signal, Query query, TailListener listener) {
      this.signal = signal;
      this.query = query;
      this.listener = listener;
    }
  }
}
