package dev.spyglass.pipeline.component;

/**
 * Brings telemetry in — by listening (OTLP) or by scraping (Redis) — and hands it to the {@link
 * Consumers} it was created with. It answers a client only when the consumer's future completes.
 */
public interface Receiver extends Component {}
