package dev.spyglass.query;

import com.linecorp.armeria.common.HttpStatus;

/**
 * A request the API answers with an error: {@code {"error": {"code": "...", "message": "..."}}} and
 * the given status (4xx for the caller's mistakes).
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient HttpStatus status;
  private final String code;

  ApiException(HttpStatus status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ApiException badRequest(String code, String message) {
    return new ApiException(HttpStatus.BAD_REQUEST, code, message);
  }

  HttpStatus status() {
    return status;
  }

  String code() {
    return code;
  }
}
