package dev.spyglass.server.api;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.Endpoint;

/**
 * Configuration of the {@code api} extension.
 *
 * @param endpoint where the HTTP API listens; default {@code 127.0.0.1:8686}
 */
public record ApiConfig(Endpoint endpoint) implements ComponentConfig {}
