package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;

/**
 * Where a record came from: its resource and instrumentation scope, with their schema URLs, as the
 * OTLP request carried them.
 */
public record RecordOrigin(
    Resource resource,
    String resourceSchemaUrl,
    InstrumentationScope scope,
    String scopeSchemaUrl) {

  public RecordOrigin {
    requireNonNull(resource, "resource");
    requireNonNull(resourceSchemaUrl, "resourceSchemaUrl");
    requireNonNull(scope, "scope");
    requireNonNull(scopeSchemaUrl, "scopeSchemaUrl");
  }

  /** The resource's {@code service.name}; empty when it has none. */
  public String serviceName() {
    for (KeyValue attribute : resource.getAttributesList()) {
      if (attribute.getKey().equals("service.name")) {
        return attribute.getValue().getStringValue();
      }
    }
    return "";
  }
}
