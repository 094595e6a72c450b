package dev.spyglass.pipeline;

import com.google.protobuf.Message;

/**
 * A batch of one signal as it travels through a pipeline: the OTLP export request message itself
 * (decoded once, never copied into a second model) and the context of the request that brought it.
 * Instances are immutable.
 */
public sealed interface Telemetry permits Traces, Metrics, Logs {

  /** The signal of this batch. */
  Signal signal();

  /** The OTLP {@code Export*ServiceRequest} message. */
  Message request();

  /** Where the batch came from. */
  RequestContext context();

  /**
   * The number of items in the batch: spans, metric data points or log records — the unit the
   * Collector counts in its {@code accepted}/{@code refused} metrics.
   */
  int itemCount();
}
