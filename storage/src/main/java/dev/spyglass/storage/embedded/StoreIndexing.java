package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.wal.WalRecord;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriterConfig;

/**
 * The store's document mapping and index settings, for programs that index outside the store — the
 * raw-Lucene baseline of the benchmarks — so that they index exactly the same fields with the same
 * analyzers, sort and codec.
 */
public final class StoreIndexing {
  private static final RecordMapper MAPPER =
      new RecordMapper(
          new dev.spyglass.storage.RecordFields.Limits(
              StoreConfig.DEFAULT_LIMITS.maxIndexedAttributes(),
              StoreConfig.DEFAULT_LIMITS.maxIndexedValueLength(),
              MeterProvider.noop().get("baseline").counterBuilder("left_out").build()));

  private StoreIndexing() {}

  /** A fresh copy of the configuration every partition's {@code IndexWriter} uses. */
  public static IndexWriterConfig writerConfig() {
    return Partition.writerConfig();
  }

  /**
   * The documents the store indexes for an OTLP request of {@code signal}, as its bytes: one per
   * log record, span or data point.
   *
   * @param sequence a number unique to the batch (the store uses the WAL position)
   */
  public static List<Document> documents(Signal signal, byte[] request, long sequence) {
    WalRecord record = new WalRecord(sequence, sequence + 1, signal, System.nanoTime(), request);
    try {
      List<Document> documents = new ArrayList<>();
      for (MappedDocument mapped : MAPPER.map(record)) {
        documents.add(mapped.document());
      }
      return documents;
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a valid OTLP request", e);
    }
  }
}
