package dev.spyglass.bench;

import dev.spyglass.bench.load.Payload;
import dev.spyglass.storage.embedded.StoreIndexing;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.store.FSDirectory;

/**
 * The raw-Lucene baseline: the same requests mapped to the same documents (the store's own mapping,
 * analyzers, index sort and codec), added by {@code threads} threads to one {@code IndexWriter}
 * with a single commit at the end — no network, no WAL, no fsync per request.
 */
final class LuceneBaseline {

  /** Records indexed, wall seconds, CPU seconds of this JVM, bytes on disk. */
  record Result(long records, double seconds, double cpuSeconds, long bytes) {
    double recordsPerSecond() {
      return records / seconds;
    }

    double recordsPerCpuSecond() {
      return records / cpuSeconds;
    }
  }

  static Result run(List<Payload> payloads, Path dir, int threads)
      throws IOException, InterruptedException {
    // The same JIT warm-up Spyglass gets: a fifth of the requests into a throw-away index.
    index(
        payloads.subList(0, Math.max(1, payloads.size() / 5)),
        dir.resolveSibling(dir.getFileName() + "-warmup"),
        threads);
    return index(payloads, dir, threads);
  }

  private static Result index(List<Payload> payloads, Path dir, int threads)
      throws IOException, InterruptedException {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long records = payloads.stream().mapToLong(Payload::records).sum();
    long cpuBefore = os.getProcessCpuTime();
    long start = System.nanoTime();
    try (FSDirectory directory = FSDirectory.open(dir);
        IndexWriter writer = new IndexWriter(directory, StoreIndexing.writerConfig())) {
      AtomicInteger next = new AtomicInteger();
      List<Thread> workers = new ArrayList<>();
      List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        for (int i = next.getAndIncrement();
                            i < payloads.size();
                            i = next.getAndIncrement()) {
                          Payload payload = payloads.get(i);
                          List<Document> documents =
                              StoreIndexing.documents(payload.signal(), payload.bytes(), i);
                          for (Document document : documents) {
                            writer.addDocument(document);
                          }
                        }
                      } catch (IOException | RuntimeException e) {
                        failures.add(e);
                      }
                    }));
      }
      for (Thread worker : workers) {
        worker.join();
      }
      if (!failures.isEmpty()) {
        throw new IOException("baseline indexing failed", failures.getFirst());
      }
      writer.commit();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
    return new Result(records, seconds, cpu, SpyglassUnderTest.directorySize(dir));
  }
}
