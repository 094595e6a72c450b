package dev.spyglass.processor;

import com.google.protobuf.ByteString;
import dev.spyglass.pipeline.Signal;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;

/**
 * One record — a span, a log record or a metric data point — with its context, as processors see
 * it.
 *
 * @param signal which kind of record
 * @param resource its resource
 * @param scope its instrumentation scope
 * @param name the span's name or the metric's name; empty for log records
 * @param attributes the record's own attributes (a data point's, for metrics)
 * @param traceId the trace id (spans and log records); empty when none
 * @param record the protobuf record itself: {@code Span}, {@code LogRecord}, or the data point
 */
public record RecordView(
    Signal signal,
    Resource resource,
    InstrumentationScope scope,
    String name,
    List<KeyValue> attributes,
    ByteString traceId,
    Object record) {}
