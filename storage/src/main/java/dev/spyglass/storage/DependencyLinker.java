package dev.spyglass.storage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the service dependency graph from spans, in any order: an edge for every span whose parent
 * span belongs to another service. The engine-neutral part of {@link TelemetryReader#dependencies}.
 */
public final class DependencyLinker {
  private final Map<String, String> serviceOfSpan = new HashMap<>();
  private final List<String[]> parentAndChild = new ArrayList<>();

  /** Adds one span. */
  public void add(StoredSpan span) {
    String service = span.origin().serviceName();
    serviceOfSpan.put(span.spanIdHex(), service);
    String parent = span.parentSpanIdHex();
    if (!parent.isEmpty()) {
      parentAndChild.add(new String[] {parent, service});
    }
  }

  /** The edges, sorted by parent, then child. */
  public List<Dependency> link() {
    Map<List<String>, Long> calls =
        new TreeMap<>(
            (a, b) -> {
              int byParent = a.get(0).compareTo(b.get(0));
              return byParent != 0 ? byParent : a.get(1).compareTo(b.get(1));
            });
    for (String[] edge : parentAndChild) {
      String parent = serviceOfSpan.get(edge[0]);
      if (parent != null && !parent.equals(edge[1])) {
        calls.merge(List.of(parent, edge[1]), 1L, Long::sum);
      }
    }
    List<Dependency> dependencies = new ArrayList<>();
    calls.forEach(
        (pair, count) -> dependencies.add(new Dependency(pair.get(0), pair.get(1), count)));
    return dependencies;
  }
}
