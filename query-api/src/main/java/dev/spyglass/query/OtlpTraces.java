package dev.spyglass.query;

import dev.spyglass.storage.RecordOrigin;
import dev.spyglass.storage.StoredSpan;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stored spans back as OTLP: one {@code TracesData}, spans grouped by resource and by scope. */
final class OtlpTraces {
  private OtlpTraces() {}

  static TracesData data(List<TraceFinder.Trace> traces) {
    Map<List<Object>, Map<List<Object>, ScopeSpans.Builder>> byResource = new LinkedHashMap<>();
    Map<List<Object>, RecordOrigin> origins = new LinkedHashMap<>();
    for (TraceFinder.Trace trace : traces) {
      for (StoredSpan span : trace.spans()) {
        RecordOrigin origin = span.origin();
        List<Object> resourceKey = List.of(origin.resource(), origin.resourceSchemaUrl());
        origins.putIfAbsent(resourceKey, origin);
        byResource
            .computeIfAbsent(resourceKey, k -> new LinkedHashMap<>())
            .computeIfAbsent(
                List.of(origin.scope(), origin.scopeSchemaUrl()),
                k ->
                    ScopeSpans.newBuilder()
                        .setScope(origin.scope())
                        .setSchemaUrl(origin.scopeSchemaUrl()))
            .addSpans(span.span());
      }
    }
    TracesData.Builder data = TracesData.newBuilder();
    byResource.forEach(
        (key, scopes) -> {
          RecordOrigin origin = origins.get(key);
          ResourceSpans.Builder resource =
              ResourceSpans.newBuilder()
                  .setResource(origin.resource())
                  .setSchemaUrl(origin.resourceSchemaUrl());
          scopes.values().forEach(resource::addScopeSpans);
          data.addResourceSpans(resource);
        });
    return data.build();
  }
}
