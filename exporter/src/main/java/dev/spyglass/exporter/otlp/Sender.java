package dev.spyglass.exporter.otlp;

import dev.spyglass.pipeline.Telemetry;
import java.util.concurrent.CompletableFuture;

/** One attempt to send a batch to an OTLP endpoint. */
interface Sender extends AutoCloseable {

  /** Sends {@code batch} once; the future always completes normally, with the outcome. */
  CompletableFuture<Outcome> send(Telemetry batch);

  @Override
  void close();
}
