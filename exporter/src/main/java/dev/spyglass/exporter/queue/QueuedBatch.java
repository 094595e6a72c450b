package dev.spyglass.exporter.queue;

import dev.spyglass.pipeline.Telemetry;

/**
 * A batch taken from a queue.
 *
 * @param sequence its place in the queue, increasing in the order batches were queued
 * @param batch the telemetry
 */
public record QueuedBatch(long sequence, Telemetry batch) {}
