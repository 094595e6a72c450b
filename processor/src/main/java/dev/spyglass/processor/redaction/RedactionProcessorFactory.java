package dev.spyglass.processor.redaction;

import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Processor;
import dev.spyglass.pipeline.component.ProcessorFactory;
import dev.spyglass.processor.ProcessorTelemetry;
import dev.spyglass.processor.Records;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code redaction} processor: record attributes not allowed are removed (fail closed), blocked
 * values are masked in attribute values and log bodies, and changed records say how many values
 * were touched — never which.
 */
public final class RedactionProcessorFactory implements ProcessorFactory<RedactionConfig> {

  @Override
  public String type() {
    return "redaction";
  }

  @Override
  public Class<RedactionConfig> configType() {
    return RedactionConfig.class;
  }

  @Override
  public RedactionConfig defaultConfig() {
    return new RedactionConfig(false, List.of(), List.of(), List.of(), List.of(), "none", "info");
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.allOf(Signal.class);
  }

  @Override
  public Processor create(
      ComponentSettings settings, RedactionConfig config, Signal signal, TelemetryConsumer next) {
    Redactor redactor = new Redactor(config);
    ProcessorTelemetry telemetry = new ProcessorTelemetry(settings);
    return new Processor() {
      @Override
      public CompletableFuture<Void> consume(Telemetry batch) {
        telemetry.incoming(batch);
        // Bodies first: their masks count toward the summary added with the attributes.
        List<Redactor.Counts> bodyCounts = new ArrayList<>();
        Telemetry bodies =
            Records.mapBodies(
                batch,
                (view, body) -> {
                  Redactor.Counts counts = new Redactor.Counts();
                  var masked = redactor.value(body, counts);
                  bodyCounts.add(counts);
                  return masked;
                });
        int[] index = {0};
        Telemetry redacted =
            Records.mapAttributes(
                bodies,
                (view, attributes) -> {
                  Redactor.Counts counts =
                      view.signal() == Signal.LOGS && index[0] < bodyCounts.size()
                          ? bodyCounts.get(index[0]++)
                          : new Redactor.Counts();
                  List<KeyValue> out = redactor.attributes(attributes, counts);
                  return out;
                });
        telemetry.outgoing(redacted);
        return next.consume(redacted);
      }
    };
  }
}
