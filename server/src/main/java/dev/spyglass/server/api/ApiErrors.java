package dev.spyglass.server.api;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import java.util.Map;

/** The API's error shape: {@code {"error": {"code": "...", "message": "..."}}} (DESIGN §4). */
final class ApiErrors {
  private ApiErrors() {}

  static HttpResponse of(HttpStatus status, String code, String message) {
    return HttpResponse.ofJson(status, Map.of("error", Map.of("code", code, "message", message)));
  }
}
