package dev.spyglass.bench.data;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Log requests from the Loghub corpus: consecutive lines from a random place (so a batch reads like
 * one host's log), grouped by service, with a trace context on a third of the records.
 */
public final class LogGenerator implements Generator {
  private static final InstrumentationScope SCOPE =
      InstrumentationScope.newBuilder().setName("loghub").setVersion("2k").build();

  private final List<LoghubCorpus.Line> lines;
  private final Timeline timeline;
  private final SplittableRandom random;
  private final Consumer<String> traceIds;

  /**
   * @param traceIds told about one trace id in ~1000 written, as hex (for trace-by-id queries)
   */
  public LogGenerator(
      LoghubCorpus corpus, Timeline timeline, long seed, Consumer<String> traceIds) {
    this.lines = corpus.lines();
    this.timeline = timeline;
    this.random = new SplittableRandom(seed);
    this.traceIds = traceIds;
  }

  @Override
  public ExportLogsServiceRequest next(int records) {
    ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
    int at = random.nextInt(lines.size());
    int host = random.nextInt(8);
    String service = null;
    ScopeLogs.Builder scope = null;
    for (int i = 0; i < records; i++) {
      LoghubCorpus.Line line = lines.get((at + i) % lines.size());
      if (!line.service().equals(service)) {
        if (scope != null) {
          request.addResourceLogs(resource(service, host).addScopeLogs(scope));
        }
        service = line.service();
        scope = ScopeLogs.newBuilder().setScope(SCOPE);
      }
      long time = timeline.next();
      LogRecord.Builder record =
          LogRecord.newBuilder()
              .setTimeUnixNano(time)
              .setObservedTimeUnixNano(time)
              .setSeverityText(line.severityText())
              .setSeverityNumberValue(line.severityNumber())
              .setBody(AnyValue.newBuilder().setStringValue(line.body()));
      if (!line.component().isEmpty()) {
        record.addAttributes(attribute("component", line.component()));
      }
      if (random.nextInt(3) == 0) {
        long high = random.nextLong();
        ByteString traceId = id(high, random.nextLong());
        record
            .setTraceId(traceId)
            .setSpanId(ByteString.copyFrom(bytes(random.nextLong())))
            .setFlags(1);
        if ((high & 0x3ff) == 0) {
          traceIds.accept(HexFormat.of().formatHex(traceId.toByteArray()));
        }
      }
      scope.addLogRecords(record);
    }
    request.addResourceLogs(resource(service, host).addScopeLogs(scope));
    return request.build();
  }

  private static ResourceLogs.Builder resource(String service, int host) {
    return ResourceLogs.newBuilder()
        .setResource(
            Resource.newBuilder()
                .addAttributes(attribute("service.name", service))
                .addAttributes(attribute("host.name", service.toLowerCase() + "-" + host))
                .addAttributes(attribute("deployment.environment.name", "production")));
  }

  static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static ByteString id(long high, long low) {
    byte[] bytes = new byte[16];
    System.arraycopy(bytes(high), 0, bytes, 0, 8);
    System.arraycopy(bytes(low), 0, bytes, 8, 8);
    return ByteString.copyFrom(bytes);
  }

  static byte[] bytes(long value) {
    byte[] bytes = new byte[8];
    for (int i = 7; i >= 0; i--) {
      bytes[i] = (byte) value;
      value >>>= 8;
    }
    return bytes;
  }
}
