package dev.spyglass.receiver.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.Traces;
import dev.spyglass.pipeline.otlp.OtlpJson;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

/**
 * What differs between the three OTLP signals on the wire: the HTTP path, the request and response
 * messages, how records are validated and how partial success is reported.
 */
sealed interface OtlpSignal<R extends Message>
    permits OtlpSignal.TracesSignal, OtlpSignal.MetricsSignal, OtlpSignal.LogsSignal {

  OtlpSignal<ExportTraceServiceRequest> TRACES = new TracesSignal();
  OtlpSignal<ExportMetricsServiceRequest> METRICS = new MetricsSignal();
  OtlpSignal<ExportLogsServiceRequest> LOGS = new LogsSignal();

  Signal signal();

  /** The default OTLP/HTTP path, e.g. {@code /v1/traces}. */
  default String httpPath() {
    return "/v1/" + signal().configName();
  }

  R parseProtobuf(byte[] body) throws InvalidProtocolBufferException;

  R parseJson(byte[] body) throws InvalidProtocolBufferException;

  Validated<R> validate(R request);

  Telemetry wrap(R request, RequestContext context);

  /** The export response; {@code partial_success} set only when something was rejected. */
  Message response(long rejected, String message);

  final class TracesSignal implements OtlpSignal<ExportTraceServiceRequest> {
    @Override
    public Signal signal() {
      return Signal.TRACES;
    }

    @Override
    public ExportTraceServiceRequest parseProtobuf(byte[] body)
        throws InvalidProtocolBufferException {
      return ExportTraceServiceRequest.parseFrom(body);
    }

    @Override
    public ExportTraceServiceRequest parseJson(byte[] body) throws InvalidProtocolBufferException {
      return OtlpJson.read(body, ExportTraceServiceRequest.newBuilder()).build();
    }

    @Override
    public Validated<ExportTraceServiceRequest> validate(ExportTraceServiceRequest request) {
      return Validated.traces(request);
    }

    @Override
    public Telemetry wrap(ExportTraceServiceRequest request, RequestContext context) {
      return Traces.of(request, context);
    }

    @Override
    public Message response(long rejected, String message) {
      ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
      if (rejected > 0 || !message.isEmpty()) {
        response.setPartialSuccess(
            ExportTracePartialSuccess.newBuilder()
                .setRejectedSpans(rejected)
                .setErrorMessage(message));
      }
      return response.build();
    }
  }

  final class MetricsSignal implements OtlpSignal<ExportMetricsServiceRequest> {
    @Override
    public Signal signal() {
      return Signal.METRICS;
    }

    @Override
    public ExportMetricsServiceRequest parseProtobuf(byte[] body)
        throws InvalidProtocolBufferException {
      return ExportMetricsServiceRequest.parseFrom(body);
    }

    @Override
    public ExportMetricsServiceRequest parseJson(byte[] body)
        throws InvalidProtocolBufferException {
      return OtlpJson.read(body, ExportMetricsServiceRequest.newBuilder()).build();
    }

    @Override
    public Validated<ExportMetricsServiceRequest> validate(ExportMetricsServiceRequest request) {
      return Validated.metrics(request);
    }

    @Override
    public Telemetry wrap(ExportMetricsServiceRequest request, RequestContext context) {
      return Metrics.of(request, context);
    }

    @Override
    public Message response(long rejected, String message) {
      ExportMetricsServiceResponse.Builder response = ExportMetricsServiceResponse.newBuilder();
      if (rejected > 0 || !message.isEmpty()) {
        response.setPartialSuccess(
            ExportMetricsPartialSuccess.newBuilder()
                .setRejectedDataPoints(rejected)
                .setErrorMessage(message));
      }
      return response.build();
    }
  }

  final class LogsSignal implements OtlpSignal<ExportLogsServiceRequest> {
    @Override
    public Signal signal() {
      return Signal.LOGS;
    }

    @Override
    public ExportLogsServiceRequest parseProtobuf(byte[] body)
        throws InvalidProtocolBufferException {
      return ExportLogsServiceRequest.parseFrom(body);
    }

    @Override
    public ExportLogsServiceRequest parseJson(byte[] body) throws InvalidProtocolBufferException {
      return OtlpJson.read(body, ExportLogsServiceRequest.newBuilder()).build();
    }

    @Override
    public Validated<ExportLogsServiceRequest> validate(ExportLogsServiceRequest request) {
      return Validated.logs(request);
    }

    @Override
    public Telemetry wrap(ExportLogsServiceRequest request, RequestContext context) {
      return Logs.of(request, context);
    }

    @Override
    public Message response(long rejected, String message) {
      ExportLogsServiceResponse.Builder response = ExportLogsServiceResponse.newBuilder();
      if (rejected > 0 || !message.isEmpty()) {
        response.setPartialSuccess(
            ExportLogsPartialSuccess.newBuilder()
                .setRejectedLogRecords(rejected)
                .setErrorMessage(message));
      }
      return response.build();
    }
  }
}
