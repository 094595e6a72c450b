package dev.spyglass.query;

import com.linecorp.armeria.common.QueryParams;

/** Typed query parameters with errors that name the parameter. */
final class Params {
  private final QueryParams params;

  Params(QueryParams params) {
    this.params = params;
  }

  String string(String name, String fallback) {
    String value = params.get(name);
    return value == null ? fallback : value;
  }

  int integer(String name, int fallback, int min, int max) {
    String value = params.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.strip());
      if (parsed < min || parsed > max) {
        throw ApiException.badRequest(
            "invalid_" + name,
            name + " must be between " + min + " and " + max + ", got " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "invalid_" + name, name + " must be a whole number, got '" + value + "'");
    }
  }

  /** {@code true} or {@code false}; anything else is a 400 naming the parameter. */
  boolean bool(String name, boolean fallback) {
    String value = params.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.strip()) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw ApiException.badRequest(
              "invalid_" + name, name + " must be true or false, got '" + value + "'");
    };
  }
}
