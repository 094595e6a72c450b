// Sends traces, logs and metrics with the OpenTelemetry JS SDK to a running Spyglass, then
// prints (as one JSON line on stdout) what it sent, for the Java test to compare with what
// arrived. Exits 1 if any export failed.
//
//   node send.mjs <protocol> <endpoint>
//     protocol: http/json | http/protobuf | grpc
//     endpoint: http://127.0.0.1:4318 (HTTP) or http://127.0.0.1:4317 (gRPC)
import { context, diag, DiagConsoleLogger, DiagLogLevel, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import * as traceHttp from '@opentelemetry/exporter-trace-otlp-http';
import * as traceProto from '@opentelemetry/exporter-trace-otlp-proto';
import * as traceGrpc from '@opentelemetry/exporter-trace-otlp-grpc';
import * as logsHttp from '@opentelemetry/exporter-logs-otlp-http';
import * as logsProto from '@opentelemetry/exporter-logs-otlp-proto';
import * as logsGrpc from '@opentelemetry/exporter-logs-otlp-grpc';
import * as metricsHttp from '@opentelemetry/exporter-metrics-otlp-http';
import * as metricsProto from '@opentelemetry/exporter-metrics-otlp-proto';
import * as metricsGrpc from '@opentelemetry/exporter-metrics-otlp-grpc';

diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);

const [protocol, endpoint] = process.argv.slice(2);
if (!protocol || !endpoint) {
  console.error('usage: node send.mjs <http/json|http/protobuf|grpc> <endpoint>');
  process.exit(2);
}

const modules = {
  'http/json': [traceHttp, logsHttp, metricsHttp],
  'http/protobuf': [traceProto, logsProto, metricsProto],
  grpc: [traceGrpc, logsGrpc, metricsGrpc],
}[protocol];
if (!modules) {
  console.error(`unknown protocol ${protocol}`);
  process.exit(2);
}
const url = (path) => (protocol === 'grpc' ? endpoint : endpoint + path);

// Wraps an exporter to remember whether every export succeeded.
const failures = [];
function recording(exporter, name) {
  const original = exporter.export.bind(exporter);
  exporter.export = (items, callback) =>
    original(items, (result) => {
      if (result.code !== 0) failures.push(`${name}: ${result.error?.message ?? result.code}`);
      callback(result);
    });
  return exporter;
}

const resource = resourceFromAttributes({ 'service.name': 'js-interop', 'interop.protocol': protocol });
const nanos = (hrTime) => (BigInt(hrTime[0]) * 1000000000n + BigInt(hrTime[1])).toString();

// Traces: a server span with a client child, an event and an error status.
const tracing = new NodeTracerProvider({
  resource,
  spanProcessors: [
    new BatchSpanProcessor(
      recording(new modules[0].OTLPTraceExporter({ url: url('/v1/traces') }), 'traces'),
      { maxQueueSize: 4096 },
    ),
  ],
});
const tracer = tracing.getTracer('interop');
const sentSpans = [];
const parent = tracer.startSpan('GET /checkout', { kind: SpanKind.SERVER });
const child = tracer.startSpan(
  'charge card',
  { kind: SpanKind.CLIENT, attributes: { 'payment.amount': 42, 'payment.retry': true, 'payment.currency': 'EUR' } },
  trace.setSpan(context.active(), parent),
);
child.addEvent('card declined', { 'decline.code': 'insufficient_funds' });
child.setStatus({ code: SpanStatusCode.ERROR, message: 'declined' });
child.end();
parent.end();
for (const span of [parent, child]) {
  sentSpans.push({
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? '',
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
  });
}
await tracing.forceFlush();
await tracing.shutdown();

// Logs: twenty records with bodies, severities and attributes.
const logging = new LoggerProvider({
  resource,
  processors: [
    // sdk-logs 0.2xx takes its exporter in the options object.
    new BatchLogRecordProcessor({
      exporter: recording(new modules[1].OTLPLogExporter({ url: url('/v1/logs') }), 'logs'),
      maxQueueSize: 4096,
    }),
  ],
});
const logger = logging.getLogger('interop');
const sentLogs = [];
for (let i = 0; i < 20; i++) {
  const record = {
    severityNumber: i % 2 === 0 ? SeverityNumber.INFO : SeverityNumber.ERROR,
    severityText: i % 2 === 0 ? 'INFO' : 'ERROR',
    body: `order ${i} failed: connection reset`,
    attributes: { 'order.id': i, 'order.region': 'eu-west' },
    timestamp: 1700000000000 + i,
  };
  logger.emit(record);
  sentLogs.push({ ...record, timeUnixNano: (BigInt(record.timestamp) * 1000000n).toString() });
}
await logging.forceFlush();
await logging.shutdown();

// Metrics: a counter and a histogram.
const reader = new PeriodicExportingMetricReader({
  exporter: recording(new modules[2].OTLPMetricExporter({ url: url('/v1/metrics') }), 'metrics'),
  exportIntervalMillis: 3600000,
});
const metering = new MeterProvider({ resource, readers: [reader] });
const meter = metering.getMeter('interop');
const orders = meter.createCounter('orders.placed');
orders.add(3, { region: 'eu-west' });
orders.add(4, { region: 'us-east' });
const latency = meter.createHistogram('checkout.duration', { unit: 's' });
latency.record(0.5);
latency.record(1.25);
await metering.forceFlush();
await metering.shutdown();

console.log(
  JSON.stringify({
    protocol,
    spans: sentSpans,
    logs: sentLogs,
    metrics: { 'orders.placed': 7, 'checkout.duration': { count: 2, sum: 1.75 } },
    failures,
  }),
);
process.exit(failures.length === 0 ? 0 : 1);
