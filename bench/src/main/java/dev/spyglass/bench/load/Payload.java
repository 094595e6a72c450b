package dev.spyglass.bench.load;

import com.google.protobuf.Message;
import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Traces;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * One request ready to send: the message (for gRPC), its bytes (for HTTP) and how many records it
 * carries.
 */
public record Payload(Signal signal, Message message, byte[] bytes, int records) {

  public static Payload of(Signal signal, Message message) {
    int records =
        switch (signal) {
          case LOGS ->
              Logs.of((ExportLogsServiceRequest) message, RequestContext.EMPTY).itemCount();
          case TRACES ->
              Traces.of((ExportTraceServiceRequest) message, RequestContext.EMPTY).itemCount();
          case METRICS ->
              Metrics.of((ExportMetricsServiceRequest) message, RequestContext.EMPTY).itemCount();
        };
    return new Payload(signal, message, message.toByteArray(), records);
  }

  /** The same request without its message (for HTTP, which sends the bytes). */
  public Payload withoutMessage() {
    return new Payload(signal, null, bytes, records);
  }
}
