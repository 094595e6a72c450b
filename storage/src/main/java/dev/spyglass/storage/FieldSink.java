package dev.spyglass.storage;

/**
 * Where {@link RecordFields} puts one record's fields: an engine's document under construction (a
 * Lucene document, an OpenSearch JSON source). Names are DESIGN §3's; values are never empty.
 */
public interface FieldSink {
  /** An exact, case-sensitive keyword, searched as a whole. */
  void keyword(String name, String value);

  /**
   * A trace or span id ({@link dev.spyglass.storage.query.IdTerms#FIELDS}), searched by its hex as
   * a whole or by prefix; a store may index its bytes or its lower-case hex.
   */
  void id(String name, byte[] id);

  /** A keyword that aggregations also group by. */
  void groupableKeyword(String name, String value);

  /** Analysed text, searched by words. */
  void text(String name, String value);

  /** A whole number: ranges, sorting, aggregations. */
  void longValue(String name, long value);

  /** A small whole number: ranges, sorting, aggregations. */
  void intValue(String name, int value);

  /** A floating-point number: ranges, sorting, aggregations. */
  void doubleValue(String name, double value);

  /** The number behind a numeric attribute already given as a keyword: for range queries on it. */
  void attributeNumber(String name, double value);

  /** The log pattern id given at ingest: searched, grouped by, and read back with the record. */
  void pattern(String id);
}
