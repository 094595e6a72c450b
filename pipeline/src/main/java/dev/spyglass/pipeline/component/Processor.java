package dev.spyglass.pipeline.component;

import dev.spyglass.pipeline.TelemetryConsumer;

/**
 * Transforms, filters or batches telemetry of one pipeline, passing what it keeps to the next
 * consumer it was created with. A processor instance belongs to one pipeline.
 */
public interface Processor extends Component, TelemetryConsumer {}
