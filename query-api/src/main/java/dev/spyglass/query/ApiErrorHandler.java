package dev.spyglass.query;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.ExceptionHandlerFunction;
import dev.spyglass.storage.InvalidQueryException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every failure of the query API as {@code {"error": {"code", "message"}}} (DESIGN §4). */
final class ApiErrorHandler implements ExceptionHandlerFunction {
  private static final Logger log = LoggerFactory.getLogger("query-api");

  @Override
  public HttpResponse handleException(ServiceRequestContext ctx, HttpRequest req, Throwable cause) {
    return switch (cause) {
      case ApiException api -> error(api.status(), api.code(), api.getMessage());
      case InvalidQueryException invalid ->
          error(HttpStatus.BAD_REQUEST, invalid.code(), invalid.getMessage());
      case IllegalArgumentException illegal ->
          error(HttpStatus.BAD_REQUEST, "bad_request", illegal.getMessage());
      default -> {
        log.error("{} {} failed", req.method(), req.path(), cause);
        yield error(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "internal error: " + cause);
      }
    };
  }

  static HttpResponse error(HttpStatus status, String code, String message) {
    return HttpResponse.ofJson(
        status, Map.of("error", Map.of("code", code, "message", message == null ? code : message)));
  }
}
