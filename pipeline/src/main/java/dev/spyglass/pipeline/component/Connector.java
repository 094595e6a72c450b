package dev.spyglass.pipeline.component;

/**
 * Joins pipelines, as the Collector's connectors do: the exporter of some pipelines and the
 * receiver of others (e.g. {@code spanmetrics}: spans in, metrics out). It sends what it produces
 * to the {@link Consumers} it was created with.
 */
public interface Connector extends Exporter {}
