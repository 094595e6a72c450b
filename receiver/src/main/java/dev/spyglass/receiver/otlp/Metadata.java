package dev.spyglass.receiver.otlp;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.RequestHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Request headers kept in the request context ({@code include_metadata}), secrets left out. */
final class Metadata {
  private Metadata() {}

  static Map<String, List<String>> of(RequestHeaders headers) {
    Map<String, List<String>> kept = new LinkedHashMap<>();
    headers.forEach(
        (name, value) -> {
          if (name.charAt(0) == ':' || name.equals(HttpHeaderNames.AUTHORIZATION)) {
            return;
          }
          kept.computeIfAbsent(name.toString(), n -> new ArrayList<>()).add(value);
        });
    return kept;
  }
}
