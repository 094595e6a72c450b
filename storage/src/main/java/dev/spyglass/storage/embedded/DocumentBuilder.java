package dev.spyglass.storage.embedded;

import dev.spyglass.storage.query.IdTerms;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.util.BytesRef;

/**
 * Builds one Lucene document with Spyglass's field conventions (docs/adr/0005): exact keywords,
 * analysed {@code body}, points plus doc values for numbers, the time sort key, the cursor
 * tie-breakers and the stored original record. What goes in is {@link
 * dev.spyglass.storage.RecordFields}'s, shared with every store.
 */
final class DocumentBuilder implements dev.spyglass.storage.FieldSink {
  static final String TIMESTAMP = "timestamp";
  static final String LSN = "_lsn";
  static final String POSITION = "_pos";
  static final String SOURCE = "_source";

  /**
   * The record's resource and scope ({@link dev.spyglass.storage.StoredSource.Origin}) as a sorted
   * doc value: each distinct origin is kept once per segment, each record holds its ordinal, and
   * {@value #SOURCE} then holds the record alone (docs/adr/0024). A document without it stores the
   * whole one-record request in {@value #SOURCE}: written before, or an origin too large for a doc
   * value.
   */
  static final String ORIGIN = "_origin";

  /**
   * Which of the record's times {@value #SOURCE} leaves out because they equal {@value #TIMESTAMP}
   * (docs/adr/0026); absent when none.
   */
  static final String ELIDED = "_elided";

  static final String PATTERN_ID = "pattern.id";
  static final String NUMERIC_SUFFIX = dev.spyglass.storage.query.QuerySyntax.NUMERIC_SUFFIX;

  /** Analysed text with positions (phrase queries) and no norms (results sort by time). */
  static final FieldType TEXT;

  static {
    TEXT = new FieldType();
    TEXT.setTokenized(true);
    TEXT.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    TEXT.setOmitNorms(true);
    TEXT.freeze();
  }

  private final Document document = new Document();

  DocumentBuilder(
      long timestampNanos, long lsn, int position, dev.spyglass.storage.StoredSource source) {
    document.add(NumericDocValuesField.indexedField(TIMESTAMP, timestampNanos));
    document.add(new NumericDocValuesField(LSN, lsn));
    document.add(new NumericDocValuesField(POSITION, position));
    byte[] origin = source.origin().bytes();
    if (origin.length <= IndexWriter.MAX_TERM_LENGTH) {
      document.add(new SortedDocValuesField(ORIGIN, new BytesRef(origin)));
      dev.spyglass.storage.StoredSource.Stripped record = source.stripped(timestampNanos);
      document.add(new StoredField(SOURCE, record.bytes()));
      if (record.elided() != 0) {
        document.add(new StoredField(ELIDED, record.elided()));
      }
    } else {
      document.add(new StoredField(SOURCE, source.request()));
    }
  }

  /**
   * The log pattern id given at ingest ({@value #PATTERN_ID}): searched and grouped by, and stored
   * so that a hit can say which pattern it is part of now.
   */
  @Override
  public void pattern(String id) {
    groupableKeyword(PATTERN_ID, id);
    document.add(new StoredField(PATTERN_ID, id));
  }

  @Override
  public void keyword(String name, String value) {
    document.add(new StringField(name, value, Field.Store.NO));
  }

  /** As its bytes, half the size of its hex in the terms dictionary (docs/adr/0025). */
  @Override
  public void id(String name, byte[] id) {
    document.add(new StringField(name, IdTerms.term(id), Field.Store.NO));
  }

  /** Also a sorted-set doc value, which aggregations group by. */
  @Override
  public void groupableKeyword(String name, String value) {
    document.add(new StringField(name, value, Field.Store.NO));
    document.add(new SortedSetDocValuesField(name, new BytesRef(value)));
  }

  @Override
  public void text(String name, String value) {
    document.add(new Field(name, value, TEXT));
  }

  @Override
  public void longValue(String name, long value) {
    document.add(new LongPoint(name, value));
    document.add(new NumericDocValuesField(name, value));
  }

  @Override
  public void intValue(String name, int value) {
    document.add(new IntPoint(name, value));
    document.add(new NumericDocValuesField(name, value));
  }

  @Override
  public void doubleValue(String name, double value) {
    document.add(new DoublePoint(name, value));
    document.add(
        new NumericDocValuesField(
            name, org.apache.lucene.util.NumericUtils.doubleToSortableLong(value)));
  }

  /** As {@code <name>#num} points beside the keyword. */
  @Override
  public void attributeNumber(String name, double value) {
    document.add(new DoublePoint(name + NUMERIC_SUFFIX, value));
  }

  Document build() {
    return document;
  }
}
