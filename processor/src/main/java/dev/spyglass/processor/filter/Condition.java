package dev.spyglass.processor.filter;

import dev.spyglass.processor.RecordView;

/** A compiled filter condition: true when the record should be dropped. */
@FunctionalInterface
interface Condition {

  /**
   * @throws EvaluationException when the record's values cannot be compared as written (e.g. a
   *     string ordered against a number); {@code error_mode} decides what that means
   */
  boolean test(RecordView record);

  /** A condition that cannot be evaluated on one record. */
  final class EvaluationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EvaluationException(String message) {
      super(message, null, false, false);
    }
  }
}
