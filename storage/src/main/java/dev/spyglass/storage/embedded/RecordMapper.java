package dev.spyglass.storage.embedded;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.spyglass.storage.FieldSink;
import dev.spyglass.storage.RecordFields;
import dev.spyglass.storage.wal.WalRecord;
import java.util.List;

/**
 * Turns an acknowledged write-ahead log record into Lucene documents, with the fields {@link
 * RecordFields} gives every store, plus the record's log position as the cursor's tie-breaker.
 */
final class RecordMapper {
  private final RecordFields fields;

  RecordMapper(RecordFields.Limits limits) {
    this(limits, RecordFields.PatternIds.NONE);
  }

  RecordMapper(RecordFields.Limits limits, RecordFields.PatternIds patterns) {
    this.fields = new RecordFields(limits, patterns);
  }

  List<MappedDocument> map(WalRecord record) throws InvalidProtocolBufferException {
    // A live append still holds the request as it arrived: no need to decode its bytes again.
    Message request = record.message();
    return fields.map(
        record.signal(),
        request,
        record.receivedAtNanos(),
        new RecordFields.Documents<>() {
          @Override
          public FieldSink open(
              long timestampNanos, int position, dev.spyglass.storage.StoredSource source) {
            return new DocumentBuilder(timestampNanos, record.lsn(), position, source);
          }

          @Override
          public MappedDocument close(FieldSink doc, long timestampNanos) {
            return new MappedDocument(timestampNanos, ((DocumentBuilder) doc).build());
          }
        });
  }
}
