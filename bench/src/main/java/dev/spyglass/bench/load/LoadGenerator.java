package dev.spyglass.bench.load;

import dev.spyglass.bench.data.Generator;
import dev.spyglass.pipeline.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Sends OTLP requests from {@code clients} concurrent clients, each waiting for its answer before
 * the next request (as an SDK exporter or a Collector's sender does), until {@code records} have
 * been sent or {@code maxDuration} has passed; at a target rate or flat out.
 *
 * <p>A request the server refuses as retryable (429/503, UNAVAILABLE) is sent again after 100 ms,
 * as SDK exporters retry; the refusal is counted.
 *
 * <p>Requests come from a pool built before the clock starts, so the generator's own CPU is spent
 * sending, not encoding. With a target rate, latency is measured from when each request was due, so
 * a slow server cannot hide its queueing (no coordinated omission).
 */
public final class LoadGenerator {

  /** What to send and how. */
  public record Plan(
      Signal signal,
      int clients,
      int batch,
      long records,
      double ratePerSecond,
      long maxDurationNanos,
      int poolRecords) {}

  private static final long RETRY_WAIT_NANOS = 100_000_000L;

  private final Plan plan;
  private final IntFunction<Generator> generators;

  /**
   * @param generators a generator for client {@code i} (each is used by one thread)
   */
  public LoadGenerator(Plan plan, IntFunction<Generator> generators) {
    this.plan = plan;
    this.generators = generators;
  }

  /** Builds the request pool, then runs the load against {@code client}. */
  public LoadResult run(OtlpClient client) throws InterruptedException {
    return run(client, pools(client instanceof OtlpClient.Http));
  }

  /**
   * One pool of requests per client, {@code poolRecords} records in all (before the clock starts).
   *
   * @param bytesOnly drop the messages and keep only their bytes (enough for HTTP; less memory)
   */
  public List<List<Payload>> pools(boolean bytesOnly) {
    List<List<Payload>> pools = new ArrayList<>();
    int perClient =
        (int) Math.max(1, Math.min(plan.records(), plan.poolRecords()) / plan.clients());
    for (int c = 0; c < plan.clients(); c++) {
      Generator generator = generators.apply(c);
      List<Payload> pool = new ArrayList<>();
      for (int n = 0; n < perClient; ) {
        Payload payload = Payload.of(plan.signal(), generator.next(plan.batch()));
        pool.add(bytesOnly ? payload.withoutMessage() : payload);
        n += payload.records();
      }
      pools.add(pool);
    }
    return pools;
  }

  /** Runs the load against {@code client} with requests from {@code pools}. */
  public LoadResult run(OtlpClient client, List<List<Payload>> pools) throws InterruptedException {
    // Each client sends its share, so a pool as large as the volume is sent exactly once.
    long share = plan.records() / plan.clients() + (plan.records() % plan.clients() == 0 ? 0 : 1);
    AtomicLong accepted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    Recorder latency = new Recorder(3);
    long start = System.nanoTime();
    long deadline =
        plan.maxDurationNanos() > Long.MAX_VALUE / 4
            ? Long.MAX_VALUE
            : start + plan.maxDurationNanos();
    // Each client's share of the rate: one request every `interval` nanoseconds.
    double interval =
        plan.ratePerSecond() > 0 ? plan.clients() * plan.batch() * 1e9 / plan.ratePerSecond() : 0;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < plan.clients(); c++) {
      List<Payload> pool = pools.get(c);
      long offset = (long) (interval * c / plan.clients());
      threads.add(
          Thread.ofPlatform()
              .name("load-" + c)
              .start(
                  () -> {
                    int next = 0;
                    long sentRecords = 0;
                    long due = start + offset;
                    while (deadline == Long.MAX_VALUE || System.nanoTime() < deadline) {
                      Payload payload = pool.get(next++ % pool.size());
                      if (sentRecords >= share) {
                        return;
                      }
                      sentRecords += payload.records();
                      if (interval > 0) {
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                          LockSupport.parkNanos(wait);
                        }
                      }
                      long sent = interval > 0 ? due : System.nanoTime();
                      OtlpClient.Answer answer = await(client.send(payload));
                      latency.recordValue(
                          Math.max(1, Math.min((System.nanoTime() - sent) / 1000, 3_600_000_000L)));
                      switch (answer) {
                        case ACCEPTED -> {
                          accepted.addAndGet(payload.records());
                          bytes.addAndGet(payload.bytes().length);
                        }
                        case REFUSED -> {
                          // As an SDK does: wait a little and send the same request again.
                          refused.addAndGet(payload.records());
                          sentRecords -= payload.records();
                          next--;
                          LockSupport.parkNanos(RETRY_WAIT_NANOS);
                        }
                        case FAILED -> failed.addAndGet(payload.records());
                      }
                      due += (long) interval;
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    long nanos = System.nanoTime() - start;
    Histogram histogram = latency.getIntervalHistogram();
    return new LoadResult(
        accepted.get(), refused.get(), failed.get(), bytes.get(), nanos, histogram);
  }

  private static OtlpClient.Answer await(CompletableFuture<OtlpClient.Answer> answer) {
    try {
      return answer.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OtlpClient.Answer.FAILED;
    } catch (ExecutionException | TimeoutException e) {
      return OtlpClient.Answer.FAILED;
    }
  }
}
