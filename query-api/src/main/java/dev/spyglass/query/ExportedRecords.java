package dev.spyglass.query;

import com.google.protobuf.Message;
import dev.spyglass.storage.StoredLog;
import dev.spyglass.storage.StoredRecord;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;

/**
 * A stored record as the OTLP request the export formats and the gRPC streams send: as it was
 * received, and for a log record with a pattern, its {@code pattern.id} and {@code
 * pattern.template} as two more attributes.
 */
final class ExportedRecords {
  private ExportedRecords() {}

  static Message request(StoredRecord record) {
    if (!(record instanceof StoredLog log) || log.pattern().isNone()) {
      return record.toRequest();
    }
    ExportLogsServiceRequest.Builder request =
        ((ExportLogsServiceRequest) record.toRequest()).toBuilder();
    LogRecord.Builder builder =
        request.getResourceLogsBuilder(0).getScopeLogsBuilder(0).getLogRecordsBuilder(0);
    builder.addAttributes(attribute("pattern.id", log.pattern().id()));
    builder.addAttributes(attribute("pattern.template", log.pattern().template()));
    return request.build();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}
