package dev.spyglass.storage.tail;

import com.google.protobuf.Message;
import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.Traces;
import dev.spyglass.storage.Cursor;
import dev.spyglass.storage.RecordFields;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.TailListener;
import dev.spyglass.storage.TailRequest;
import dev.spyglass.storage.TailSubscription;
import dev.spyglass.storage.query.QuerySyntax;
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
import org.apache.lucene.index.memory.MemoryIndex;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.slf4j.Logger;

/**
 * Live tails (docs/adr/0015), for every store that acknowledges from a write-ahead log:
 * acknowledged requests are matched, on a thread of their own, against each subscriber's query in a
 * one-document {@link MemoryIndex} holding the fields {@link RecordFields} gives every store,
 * analysed as the query language analyses them — so a tail matches exactly what a search would,
 * without waiting for a refresh. The write-ahead log's acknowledging thread only queues the batch;
 * a full queue (the tail is behind) drops the batch and tells the subscribers how many of their
 * signal's records it skipped.
 */
public final class LiveTail implements Closeable {
  /** Acknowledged request bytes the tail may hold before it skips batches. */
  static final long MAX_QUEUED_BYTES = 32L << 20;

  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");

  private final RecordFields fields;
  private final java.util.function.Function<String, Query> parse;
  private final java.util.function.Function<String, dev.spyglass.storage.LogPattern> patterns;
  private final Logger log;
  private final Analyzer analyzer = QuerySyntax.analyzer();
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final BlockingQueue<List<WalRecord>> queue = new ArrayBlockingQueue<>(4096);
  private final AtomicLong queuedBytes = new AtomicLong();
  private final LongCounter records;
  private final Thread thread;
  private volatile boolean closed;

  /**
   * @param fields maps records as the store does (its pattern ids: each record's pattern now)
   * @param parse parses a query as searches do
   * @param patterns the pattern of a pattern id, as hits carry it
   */
  public LiveTail(
      RecordFields fields,
      java.util.function.Function<String, Query> parse,
      java.util.function.Function<String, dev.spyglass.storage.LogPattern> patterns,
      Logger log,
      Meter meter) {
    this.fields = fields;
    // The tail's documents hold ids as bytes (Matchable), whatever the store indexes.
    this.parse = parse.andThen(dev.spyglass.storage.query.IdTerms::asBytes);
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
  public TailSubscription subscribe(TailRequest request, TailListener listener) {
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
  public void acknowledged(List<WalRecord> batch) {
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
      List<Matchable> documents;
      try {
        documents =
            fields.map(
                record.signal(), record.message(), record.receivedAtNanos(), Matchable.DOCUMENTS);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        continue; // the store reports it
      }
      for (int position = 0; position < documents.size(); position++) {
        Matchable document = documents.get(position);
        IndexSearcher searcher = document.index.createSearcher();
        StoredRecord stored = null;
        for (Subscriber subscriber : interested) {
          if (!matches(searcher, subscriber.query)) {
            continue;
          }
          if (stored == null) {
            stored =
                document.source.stored(new Cursor(document.timestampNanos, record.lsn(), position));
            if (document.patternId != null
                && stored instanceof dev.spyglass.storage.StoredLog storedLog) {
              stored = storedLog.withPattern(patterns.apply(document.patternId));
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
      Message request = record.message();
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
