package dev.spyglass.pipeline.component;

/** A component outside the data path: the HTTP API, health checks, authenticators. */
public interface Extension extends Component {}
