package dev.spyglass.storage;

/** How a field can be queried. */
public enum FieldKind {
  /** Exact, case-sensitive terms ({@code service.name:checkout}). */
  KEYWORD,
  /** Analysed full text ({@code body:"connection reset"}). */
  TEXT,
  /** Numbers: ranges and aggregations ({@code duration:>250000000}). */
  NUMBER,
  /** Unix epoch ns, for sorting and time ranges. */
  TIME
}
