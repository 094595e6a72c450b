package dev.spyglass.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.Otlp;
import dev.spyglass.storage.wal.WalRecord;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordMapperTest {
  private final RecordMapper mapper =
      new RecordMapper(
          new dev.spyglass.storage.RecordFields.Limits(
              128, 4096, MeterProvider.noop().get("t").counterBuilder("left_out").build()));

  @Test
  void aLiveRecord_isMappedFromTheRequestInMemory_withoutDecodingItsBytesAgain() throws Exception {
    Logs logs =
        Otlp.logs(
            "svc",
            Otlp.log(Otlp.T0, SeverityNumber.SEVERITY_NUMBER_INFO, "one"),
            Otlp.log(Otlp.T0 + 1, SeverityNumber.SEVERITY_NUMBER_INFO, "two"));
    byte[] notProtobuf = {(byte) 0xff, (byte) 0xff, (byte) 0xff};

    // Bytes that do not decode: only the message in memory can have given these documents.
    var mapped =
        mapper.map(new WalRecord(7, 10, Signal.LOGS, 1, notProtobuf, Optional.of(logs.request())));
    assertThat(mapped)
        .extracting(MappedDocument::timestampNanos)
        .containsExactly(Otlp.T0, Otlp.T0 + 1);
    // A record read back from disk decodes its bytes.
    assertThatThrownBy(() -> mapper.map(new WalRecord(7, 10, Signal.LOGS, 1, notProtobuf)))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThat(mapper.map(new WalRecord(7, 10, Signal.LOGS, 1, logs.request().toByteArray())))
        .hasSize(2);
  }
}
