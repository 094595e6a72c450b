package dev.spyglass.storage.embedded;

import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.HexFormat;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.util.BytesRef;

/**
 * Builds one Lucene document with Spyglass's field conventions (docs/adr/0005): exact keywords,
 * analysed {@code body}, points plus doc values for numbers, the time sort key, the cursor
 * tie-breakers and the stored original record. Applies the attribute caps.
 */
final class DocumentBuilder {
  static final String TIMESTAMP = "timestamp";
  static final String LSN = "_lsn";
  static final String POSITION = "_pos";
  static final String SOURCE = "_source";
  static final String PATTERN_ID = "pattern.id";
  static final String NUMERIC_SUFFIX = "#num";

  /** Analysed text with positions (phrase queries) and no norms (results sort by time). */
  static final FieldType TEXT;

  static {
    TEXT = new FieldType();
    TEXT.setTokenized(true);
    TEXT.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    TEXT.setOmitNorms(true);
    TEXT.freeze();
  }

  private static final HexFormat HEX = HexFormat.of();

  private final Document document = new Document();
  private final Limits limits;

  /**
   * Caps on what one record may put into the index.
   *
   * @param maxAttributes attributes indexed per record (and per resource); the rest are stored only
   * @param maxValueLength longer attribute values are stored only
   * @param leftOut counts attributes left out of the index
   */
  record Limits(int maxAttributes, int maxValueLength, LongCounter leftOut) {}

  DocumentBuilder(Limits limits, long timestampNanos, long lsn, int position, byte[] source) {
    this.limits = limits;
    document.add(NumericDocValuesField.indexedField(TIMESTAMP, timestampNanos));
    document.add(new NumericDocValuesField(LSN, lsn));
    document.add(new NumericDocValuesField(POSITION, position));
    document.add(new StoredField(SOURCE, source));
  }

  /**
   * The log pattern id given at ingest ({@value #PATTERN_ID}): searched and grouped by, and stored
   * so that a hit can say which pattern it is part of now; nothing when {@code id} is empty.
   */
  DocumentBuilder pattern(String id) {
    if (!id.isEmpty()) {
      groupableKeyword(PATTERN_ID, id);
      document.add(new StoredField(PATTERN_ID, id));
    }
    return this;
  }

  /** An exact, case-sensitive keyword; nothing when {@code value} is empty. */
  DocumentBuilder keyword(String name, String value) {
    if (!value.isEmpty()) {
      document.add(new StringField(name, value, Field.Store.NO));
    }
    return this;
  }

  /** A keyword that aggregations group by: also a sorted-set doc value. */
  DocumentBuilder groupableKeyword(String name, String value) {
    if (!value.isEmpty()) {
      document.add(new StringField(name, value, Field.Store.NO));
      document.add(new SortedSetDocValuesField(name, new BytesRef(value)));
    }
    return this;
  }

  /** An id as lower-case hex; nothing when empty. */
  DocumentBuilder id(String name, com.google.protobuf.ByteString id) {
    if (!id.isEmpty()) {
      keyword(name, HEX.formatHex(id.toByteArray()));
    }
    return this;
  }

  DocumentBuilder text(String name, String value) {
    if (!value.isEmpty()) {
      document.add(new Field(name, value, TEXT));
    }
    return this;
  }

  DocumentBuilder longValue(String name, long value) {
    document.add(new LongPoint(name, value));
    document.add(new NumericDocValuesField(name, value));
    return this;
  }

  DocumentBuilder intValue(String name, int value) {
    document.add(new IntPoint(name, value));
    document.add(new NumericDocValuesField(name, value));
    return this;
  }

  DocumentBuilder doubleValue(String name, double value) {
    document.add(new DoublePoint(name, value));
    document.add(
        new NumericDocValuesField(
            name, org.apache.lucene.util.NumericUtils.doubleToSortableLong(value)));
    return this;
  }

  /** A time in ns, for sorting and aggregating only. */
  DocumentBuilder time(String name, long nanos) {
    if (nanos != 0) {
      document.add(new NumericDocValuesField(name, nanos));
    }
    return this;
  }

  /**
   * Indexes attributes under {@code prefix} ({@code attributes.}, {@code resource.}): every value
   * as a keyword, numbers also as {@code <name>#num} points; arrays as several keywords. Maps and
   * bytes are stored only. At most {@link Limits#maxAttributes()} are indexed.
   */
  DocumentBuilder attributes(String prefix, List<KeyValue> attributes) {
    int indexed = 0;
    long leftOut = 0;
    for (KeyValue attribute : attributes) {
      if (indexed >= limits.maxAttributes()) {
        leftOut++;
        continue;
      }
      if (attribute(prefix + attribute.getKey(), attribute.getValue(), true)) {
        indexed++;
      } else {
        leftOut++;
      }
    }
    if (leftOut > 0) {
      limits.leftOut().add(leftOut);
    }
    return this;
  }

  private boolean attribute(String name, AnyValue value, boolean allowArray) {
    switch (value.getValueCase()) {
      case STRING_VALUE -> {
        String text = value.getStringValue();
        if (text.length() > limits.maxValueLength()) {
          return false;
        }
        keyword(name, text);
      }
      case BOOL_VALUE -> keyword(name, Boolean.toString(value.getBoolValue()));
      case INT_VALUE -> {
        keyword(name, Long.toString(value.getIntValue()));
        document.add(new DoublePoint(name + NUMERIC_SUFFIX, value.getIntValue()));
      }
      case DOUBLE_VALUE -> {
        keyword(name, Double.toString(value.getDoubleValue()));
        document.add(new DoublePoint(name + NUMERIC_SUFFIX, value.getDoubleValue()));
      }
      case ARRAY_VALUE -> {
        if (!allowArray) {
          return false;
        }
        boolean any = false;
        for (AnyValue element : value.getArrayValue().getValuesList()) {
          any |= attribute(name, element, false);
        }
        return any;
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** The string a body or attribute value reads as, for full-text indexing. */
  static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case ARRAY_VALUE -> {
        StringBuilder out = new StringBuilder();
        for (AnyValue element : value.getArrayValue().getValuesList()) {
          out.append(text(element)).append(' ');
        }
        yield out.toString().strip();
      }
      case KVLIST_VALUE -> {
        StringBuilder out = new StringBuilder();
        for (KeyValue kv : value.getKvlistValue().getValuesList()) {
          out.append(kv.getKey()).append(' ').append(text(kv.getValue())).append(' ');
        }
        yield out.toString().strip();
      }
      default -> "";
    };
  }

  Document build() {
    return document;
  }
}
