package dev.spyglass.query.alerts;

/** An expression or template that does not parse, with where in its text the problem is. */
public final class ExpressionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int offset;

  ExpressionException(String message, int offset) {
    super(message);
    this.offset = offset;
  }

  /** The 0-based index in the text where the problem starts. */
  public int offset() {
    return offset;
  }
}
