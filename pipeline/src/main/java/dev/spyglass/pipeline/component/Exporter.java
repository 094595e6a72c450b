package dev.spyglass.pipeline.component;

import dev.spyglass.pipeline.TelemetryConsumer;

/**
 * Sends telemetry out of the pipeline: to the store, to another collector, to the log. One instance
 * serves every pipeline that names it, whatever their signals.
 */
public interface Exporter extends Component, TelemetryConsumer {}
