package dev.spyglass.query;

import io.opentelemetry.proto.common.v1.AnyValue;

/** An attribute value as the text a label shows. */
final class DocumentText {
  private DocumentText() {}

  static String of(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString().strip();
    };
  }
}
