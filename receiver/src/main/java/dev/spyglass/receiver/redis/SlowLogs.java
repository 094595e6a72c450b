package dev.spyglass.receiver.redis;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.util.List;
import java.util.Locale;
import redis.clients.jedis.resps.Slowlog;

/** {@code SLOWLOG GET} entries as log records. */
final class SlowLogs {
  // Redis already cuts arguments at 128 bytes ("… (N more bytes)"); this bounds other servers.
  static final int MAX_ARGUMENT_LENGTH = 512;

  private SlowLogs() {}

  static LogRecord record(Slowlog entry, long observedNanos) {
    List<String> args = entry.getArgs();
    StringBuilder command = new StringBuilder();
    for (String arg : args) {
      if (!command.isEmpty()) {
        command.append(' ');
      }
      command.append(
          arg.length() > MAX_ARGUMENT_LENGTH
              ? arg.substring(0, MAX_ARGUMENT_LENGTH) + "…(" + arg.length() + " chars)"
              : arg);
    }
    LogRecord.Builder record =
        LogRecord.newBuilder()
            .setTimeUnixNano(entry.getTimeStamp() * 1_000_000_000L)
            .setObservedTimeUnixNano(observedNanos)
            .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN)
            .setSeverityText("WARN")
            .setEventName("redis.slowlog")
            .setBody(string(command.toString()))
            .addAttributes(attribute("db.system.name", string("redis")))
            .addAttributes(
                attribute(
                    "db.operation.name",
                    string(args.isEmpty() ? "" : args.getFirst().toUpperCase(Locale.ROOT))))
            .addAttributes(attribute("redis.slowlog.id", integer(entry.getId())))
            .addAttributes(
                attribute("redis.slowlog.duration_us", integer(entry.getExecutionTime())));
    if (entry.getClientIpPort() != null) {
      record.addAttributes(attribute("client.address", string(entry.getClientIpPort().getHost())));
      record.addAttributes(attribute("client.port", integer(entry.getClientIpPort().getPort())));
    }
    if (entry.getClientName() != null && !entry.getClientName().isEmpty()) {
      record.addAttributes(attribute("redis.client.name", string(entry.getClientName())));
    }
    return record.build();
  }

  private static KeyValue attribute(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static AnyValue string(String value) {
    return AnyValue.newBuilder().setStringValue(value).build();
  }

  private static AnyValue integer(long value) {
    return AnyValue.newBuilder().setIntValue(value).build();
  }
}
