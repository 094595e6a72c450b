package dev.spyglass.bench.load;

import org.HdrHistogram.Histogram;

/**
 * What a load run achieved.
 *
 * @param accepted records the server acknowledged
 * @param refused records the server asked to send again later (429/503, UNAVAILABLE)
 * @param failed records refused for good or lost to transport errors
 * @param acceptedBytes request bytes (protobuf, uncompressed) of the acknowledged requests
 * @param nanos wall time of the run
 * @param latency acknowledgement latency per request, in microseconds
 */
public record LoadResult(
    long accepted, long refused, long failed, long acceptedBytes, long nanos, Histogram latency) {

  public double seconds() {
    return nanos / 1e9;
  }

  public double recordsPerSecond() {
    return accepted / seconds();
  }

  public double millis(double percentile) {
    return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1000.0;
  }
}
