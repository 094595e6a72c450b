package dev.spyglass.server.api;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import java.util.Map;

/** The API's error shape: {@code {"error": {"code": "...", "message": "..."}}} (DESIGN §4). */
final class ApiErrors {
  private ApiErrors() {}

  /**
   * {@code refusal}, sent once the request's body has been read: answered before it, an HTTP/2
   * client still sending gets a reset stream instead of the answer.
   */
  static HttpResponse afterBody(
      com.linecorp.armeria.common.HttpRequest request, HttpResponse refusal) {
    return HttpResponse.of(request.aggregate().handle((body, failure) -> refusal));
  }

  static HttpResponse of(HttpStatus status, String code, String message) {
    return HttpResponse.ofJson(status, Map.of("error", Map.of("code", code, "message", message)));
  }
}
