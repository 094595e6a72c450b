package dev.spyglass.storage.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.spyglass.storage.FieldSink;
import dev.spyglass.storage.RecordFields;
import dev.spyglass.storage.patterns.PatternState;
import dev.spyglass.storage.wal.WalRecord;
import dev.spyglass.storage.wal.WriteAheadLog;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import org.slf4j.Logger;

/**
 * Ships acknowledged write-ahead log records to OpenSearch with {@code _bulk}, in log order, and
 * moves the shipped position only past records OpenSearch has confirmed (or refused as bad data,
 * counted and logged): a crash replays from there, and deterministic document ids make the replay
 * overwrite rather than duplicate. Overload, outages and 5xx are retried with capped backoff.
 */
final class Shipper implements AutoCloseable {
  /** One document on its way, with where it goes. */
  private record Item(String index, String id, byte[] source) {}

  /** A WAL record and its documents. */
  private record Mapped(WalRecord record, List<Item> items) {}

  private final WriteAheadLog wal;
  private final Connection connection;
  private final IndexLayout layout;
  private final RecordFields fields;
  private final ShippedPosition position;
  private final PatternState patterns;
  private final String instance;
  private final OpenSearchConfig.Bulk bulk;
  private final LongPredicate expired;
  private final Logger log;
  private final LinkedBlockingQueue<WalRecord> queue = new LinkedBlockingQueue<>();
  private final AtomicLong unshippedBytes = new AtomicLong();
  private final Set<String> createdIndices = ConcurrentHashMap.newKeySet();
  private final LongCounter shipped;
  private final LongCounter rejected;
  private final LongCounter failures;
  private final DoubleHistogram latency;
  private final Thread thread;
  private final ExecutorService workers;
  private volatile boolean templatesInstalled;
  private volatile boolean closed;
  private volatile String lastFailure = "";

  Shipper(
      WriteAheadLog wal,
      Connection connection,
      IndexLayout layout,
      RecordFields fields,
      ShippedPosition position,
      PatternState patterns,
      String instance,
      OpenSearchConfig.Bulk bulk,
      LongPredicate expired,
      Meter meter,
      Logger log) {
    this.wal = wal;
    this.connection = connection;
    this.layout = layout;
    this.fields = fields;
    this.position = position;
    this.patterns = patterns;
    this.instance = instance;
    this.bulk = bulk;
    this.expired = expired;
    this.log = log;
    this.shipped =
        meter
            .counterBuilder("spyglass_opensearch_documents_shipped")
            .setDescription("Documents OpenSearch confirmed")
            .build();
    this.rejected =
        meter
            .counterBuilder("spyglass_opensearch_documents_rejected")
            .setDescription("Documents OpenSearch refused as bad data (logged with the reason)")
            .build();
    this.failures =
        meter
            .counterBuilder("spyglass_opensearch_bulk_failures")
            .setDescription("_bulk requests (or their items) to retry: overload, outage, 5xx")
            .build();
    this.latency =
        meter
            .histogramBuilder("spyglass_opensearch_bulk_duration")
            .setUnit("s")
            .setDescription("Time one _bulk request took")
            .build();
    meter
        .gaugeBuilder("spyglass_opensearch_unshipped_bytes")
        .ofLongs()
        .setUnit("By")
        .setDescription("Acknowledged request bytes OpenSearch has not confirmed yet")
        .buildWithCallback(gauge -> gauge.record(unshippedBytes.get()));
    this.thread =
        Thread.ofPlatform().name("spyglass-opensearch-shipper").daemon().unstarted(this::run);
    this.workers =
        Executors.newFixedThreadPool(
            bulk.workers(),
            Thread.ofPlatform().name("spyglass-opensearch-bulk-", 0).daemon().factory());
  }

  /** Queues durable records, in log order (the WAL's listener and the replay call this). */
  void add(WalRecord record) {
    unshippedBytes.addAndGet(record.request().length);
    queue.add(record);
  }

  void start() {
    thread.start();
  }

  /** Acknowledged bytes not yet confirmed by OpenSearch. */
  long unshippedBytes() {
    return unshippedBytes.get();
  }

  /** Why the last attempt failed; empty once one succeeded. */
  String lastFailure() {
    return lastFailure;
  }

  private void run() {
    long backoff = 100;
    List<WalRecord> batch = new ArrayList<>();
    while (!closed) {
      try {
        if (!templatesInstalled) {
          layout.install(connection);
          templatesInstalled = true;
        }
        if (batch.isEmpty()) {
          WalRecord first = queue.poll(200, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          long bytes = first.request().length;
          while (bytes < bulk.maxMib() * (1L << 20) && queue.peek() != null) {
            WalRecord next = queue.poll();
            batch.add(next);
            bytes += next.request().length;
          }
        }
        ship(batch);
        long end = batch.getLast().end();
        long bytes = batch.stream().mapToLong(r -> r.request().length).sum();
        patterns.save(end); // what was mined up to here, before the position moves past it
        position.write(end);
        wal.deleteBefore(end);
        unshippedBytes.addAndGet(-bytes);
        batch.clear();
        backoff = 100;
        lastFailure = "";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return; // what is not confirmed stays in the WAL for the next start
        }
        failures.add(1);
        lastFailure = e.getMessage() == null ? e.toString() : e.getMessage();
        log.warn("shipping to OpenSearch failed, retrying in {} ms: {}", backoff, lastFailure);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
        backoff = Math.min(5_000, backoff * 2);
      }
    }
  }

  /**
   * Sends every document of {@code batch} until each is confirmed or refused for good: its {@code
   * _bulk} requests {@code bulk.workers} at a time.
   */
  private void ship(List<WalRecord> batch) throws IOException, InterruptedException {
    List<Item> items = new ArrayList<>();
    for (WalRecord record : batch) {
      items.addAll(map(record).items());
    }
    List<List<Item>> chunks = new ArrayList<>();
    for (int from = 0; from < items.size(); from += bulk.maxDocuments()) {
      chunks.add(items.subList(from, Math.min(items.size(), from + bulk.maxDocuments())));
    }
    if (chunks.size() <= 1 || bulk.workers() == 1) {
      for (List<Item> chunk : chunks) {
        shipAll(chunk);
      }
      return;
    }
    List<Future<Void>> sent = new ArrayList<>();
    for (List<Item> chunk : chunks) {
      sent.add(
          workers.submit(
              () -> {
                shipAll(chunk);
                return null;
              }));
    }
    IOException failed = null;
    for (Future<Void> request : sent) {
      try {
        request.get(); // all of them, even after a failure: none may still run on return
      } catch (ExecutionException e) {
        if (failed == null) {
          failed =
              e.getCause() instanceof IOException io
                  ? io
                  : new IOException(String.valueOf(e.getCause().getMessage()), e.getCause());
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  private void shipAll(List<Item> chunk) throws IOException, InterruptedException {
    List<Item> pending = chunk;
    long backoff = 100;
    while (!pending.isEmpty()) {
      if (closed) {
        throw new IOException("shutting down with documents not confirmed");
      }
      List<Item> retry = send(pending);
      if (retry.isEmpty()) {
        return;
      }
      failures.add(1);
      Thread.sleep(backoff);
      backoff = Math.min(5_000, backoff * 2);
      pending = retry;
    }
  }

  /** One {@code _bulk}; the items to send again. */
  private List<Item> send(List<Item> items) throws IOException {
    int size = 0;
    for (Item item : items) {
      size += item.source().length + item.index().length() + item.id().length() + 40;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(size);
    for (Item item : items) {
      body.write(
          ("{\"index\":{\"_index\":\"" + item.index() + "\",\"_id\":\"" + item.id() + "\"}}\n")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      body.write(item.source());
      body.write('\n');
    }
    long started = System.nanoTime();
    Connection.Answer answer =
        connection.send(
            "POST",
            "/_bulk",
            // Only what is read back: a 5,000-item answer shrinks from ~1 MB to ~100 KB.
            Map.of("filter_path", "errors,items.*.status,items.*.error"),
            body.toByteArray(),
            "application/x-ndjson");
    latency.record((System.nanoTime() - started) / 1e9);
    if (!answer.ok()) {
      throw new IOException("_bulk answered " + answer.status() + ": " + answer.reason());
    }
    if (!answer.body().path("errors").asBoolean(false)) {
      shipped.add(items.size());
      return List.of();
    }
    List<Item> retry = new ArrayList<>();
    JsonNode results = answer.body().path("items");
    long ok = 0;
    for (int i = 0; i < items.size(); i++) {
      JsonNode result = results.path(i).path("index");
      int status = result.path("status").asInt(500);
      Item item = items.get(i);
      if (status >= 200 && status < 300) {
        ok++;
      } else if (status == 429 || status >= 500) {
        retry.add(item);
      } else if (result.path("error").path("type").asText().equals("index_not_found_exception")) {
        create(item.index()); // the cluster does not create indices by itself
        retry.add(item);
      } else {
        rejected.add(1);
        log.warn(
            "OpenSearch refused document {} in {}: {}: {}",
            item.id(),
            item.index(),
            result.path("error").path("type").asText(),
            result.path("error").path("reason").asText());
      }
    }
    shipped.add(ok);
    return retry;
  }

  private void create(String index) throws IOException {
    if (createdIndices.contains(index)) {
      return;
    }
    Connection.Answer answer = connection.json("PUT", "/" + index, null);
    if (!answer.ok() && !answer.reason().startsWith("resource_already_exists_exception")) {
      throw new IOException("cannot create index " + index + ": " + answer.reason());
    }
    createdIndices.add(index);
  }

  private Mapped map(WalRecord record) throws InvalidProtocolBufferException {
    Message request = record.message();
    List<Item> items =
        fields.map(
            record.signal(),
            request,
            record.receivedAtNanos(),
            new RecordFields.Documents<>() {
              private int position;

              @Override
              public FieldSink open(
                  long timestampNanos, int position, dev.spyglass.storage.StoredSource source) {
                this.position = position;
                return new JsonDocument(timestampNanos, source.request());
              }

              @Override
              public Item close(FieldSink doc, long timestampNanos) {
                if (expired.test(timestampNanos)) {
                  return null; // its day is past retention: it would bring a deleted index back
                }
                ((JsonDocument) doc)
                    .json()
                    .put(JsonDocument.SEQUENCE, sequence(record.lsn()))
                    .put(JsonDocument.POSITION, position);
                try {
                  return new Item(
                      layout.index(record.signal(), timestampNanos),
                      instance + "-" + Long.toHexString(record.lsn()) + "-" + position,
                      Connection.JSON.writeValueAsBytes(((JsonDocument) doc).json()));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                  throw new IllegalStateException(e);
                }
              }
            });
    items.removeIf(java.util.Objects::isNull);
    return new Mapped(record, items);
  }

  /**
   * The cursor's tie-breaker after the timestamp: this instance's WAL position, with the instance
   * in the top bits so that instances sharing a cluster do not tie.
   */
  private long sequence(long lsn) {
    return ((long) (instance.hashCode() & 0x7fff) << 47) | (lsn & ((1L << 47) - 1));
  }

  /** Stops shipping; what is not confirmed stays in the WAL for the next start. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    workers.shutdownNow();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until everything queued so far is confirmed, up to {@code timeoutMillis}. */
  boolean drain(long timeoutMillis) throws InterruptedException {
    long until = System.nanoTime() + timeoutMillis * 1_000_000;
    while (unshippedBytes.get() > 0 && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    return unshippedBytes.get() == 0;
  }
}
