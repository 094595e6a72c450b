package dev.spyglass.storage.tail;

import dev.spyglass.storage.FieldSink;
import dev.spyglass.storage.RecordFields;
import dev.spyglass.storage.StoredSource;
import dev.spyglass.storage.query.IdTerms;
import dev.spyglass.storage.query.QuerySyntax;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.memory.MemoryIndex;

/**
 * One acknowledged record as a tail matches it: its searchable fields in a one-document memory
 * index — keywords whole, {@code body} analysed, numbers as points, numeric attributes also as
 * {@code <name>#num} — the way the embedded store indexes them, and its stored record.
 */
final class Matchable implements FieldSink {
  private static final Analyzer ANALYZER = QuerySyntax.analyzer();
  private static final FieldType TEXT;

  static {
    TEXT = new FieldType();
    TEXT.setTokenized(true);
    TEXT.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    TEXT.setOmitNorms(true);
    TEXT.freeze();
  }

  /** Builds one per record. */
  static final RecordFields.Documents<Matchable> DOCUMENTS =
      new RecordFields.Documents<>() {
        @Override
        public FieldSink open(long timestampNanos, int position, StoredSource source) {
          return new Matchable(timestampNanos, source);
        }

        @Override
        public Matchable close(FieldSink fields, long timestampNanos) {
          return (Matchable) fields;
        }
      };

  final MemoryIndex index = new MemoryIndex();
  final long timestampNanos;
  final StoredSource source;
  String patternId;

  private Matchable(long timestampNanos, StoredSource source) {
    this.timestampNanos = timestampNanos;
    this.source = source;
    index.addField(new LongPoint("timestamp", timestampNanos), ANALYZER);
  }

  @Override
  public void keyword(String name, String value) {
    index.addField(new StringField(name, value, Field.Store.NO), ANALYZER);
  }

  /** As the embedded store indexes it: its bytes (the tail's queries ask for them). */
  @Override
  public void id(String name, byte[] id) {
    index.addField(new StringField(name, IdTerms.term(id), Field.Store.NO), ANALYZER);
  }

  @Override
  public void groupableKeyword(String name, String value) {
    keyword(name, value);
  }

  @Override
  public void text(String name, String value) {
    index.addField(new Field(name, value, TEXT), ANALYZER);
  }

  @Override
  public void longValue(String name, long value) {
    index.addField(new LongPoint(name, value), ANALYZER);
  }

  @Override
  public void intValue(String name, int value) {
    index.addField(new IntPoint(name, value), ANALYZER);
  }

  @Override
  public void doubleValue(String name, double value) {
    index.addField(new DoublePoint(name, value), ANALYZER);
  }

  @Override
  public void attributeNumber(String name, double value) {
    index.addField(new DoublePoint(name + QuerySyntax.NUMERIC_SUFFIX, value), ANALYZER);
  }

  @Override
  public void pattern(String id) {
    keyword("pattern.id", id);
    patternId = id;
  }
}
