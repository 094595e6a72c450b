package dev.spyglass.receiver.otlp;

import com.google.protobuf.Message;
import dev.spyglass.pipeline.ConsumeException;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.Consumers;
import dev.spyglass.receiver.otlp.ReceiverTelemetry.Transport;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;

/**
 * The part of an export both transports share: validate, pass the batch into the pipeline, count
 * it, and turn the pipeline's answer into a response — success (with partial success when records
 * were rejected) or a classified failure.
 */
final class Exports {
  private final Consumers consumers;
  private final ReceiverTelemetry telemetry;
  private final Logger log;
  private final ThrottledTenants throttled = new ThrottledTenants(System::nanoTime);

  Exports(Consumers consumers, ReceiverTelemetry telemetry, Logger log) {
    this.consumers = consumers;
    this.telemetry = telemetry;
    this.log = log;
  }

  /** Writes the audit line of a request refused for its token: from where, never the token. */
  void refusedAuthentication(Transport transport, Object from, boolean tokenGiven) {
    log.warn(
        "refused: {} bearer token on OTLP/{} from {}",
        tokenGiven ? "an invalid" : "no",
        transport == Transport.GRPC ? "gRPC" : "HTTP",
        from);
  }

  /**
   * The 429 a request of {@code tenant} gets without being read, while that tenant is told to wait.
   */
  Optional<RetryableException> throttled(Optional<String> tenant) {
    Optional<RetryableException> refusal = throttled.refusal(tenant);
    refusal.ifPresent(r -> telemetry.throttled(tenant.get()));
    return refusal;
  }

  /** The consumer for {@code signal}, if a pipeline takes it from this receiver. */
  Optional<TelemetryConsumer> consumer(OtlpSignal<?> signal) {
    return consumers.forSignal(signal.signal());
  }

  /**
   * Passes {@code request} on; the future completes with the response to send once the pipeline has
   * taken it, or fails with a {@link ConsumeException} once it has refused it.
   */
  <R extends Message> CompletableFuture<Message> export(
      OtlpSignal<R> signal,
      TelemetryConsumer consumer,
      R request,
      RequestContext context,
      Transport transport) {
    Validated<R> validated = signal.validate(request);
    telemetry.refused(signal.signal(), transport, validated.rejected());
    Telemetry batch = signal.wrap(validated.request(), context);
    int items = batch.itemCount();
    if (items == 0) {
      return CompletableFuture.completedFuture(
          signal.response(validated.rejected(), validated.message()));
    }
    return TelemetryConsumer.consumeSafely(consumer, batch)
        .handle(
            (ignored, failure) -> {
              if (failure == null) {
                telemetry.accepted(signal.signal(), transport, items);
                return signal.response(validated.rejected(), validated.message());
              }
              telemetry.refused(signal.signal(), transport, items);
              ConsumeException classified = ConsumeException.classify(failure);
              if (classified instanceof RetryableException retry
                  && retry.throttled()
                  && context.tenant().isPresent()) {
                throttled.throttled(context.tenant().get(), retry);
              }
              log.debug(
                  "refused {} {}: {}",
                  items,
                  signal.signal().configName(),
                  classified.getMessage());
              throw new CompletionException(classified);
            });
  }
}
