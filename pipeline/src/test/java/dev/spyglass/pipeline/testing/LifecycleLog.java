package dev.spyglass.pipeline.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Records lifecycle events ("start exporter/x", "shutdown receiver/y") in the order they happen.
 */
public final class LifecycleLog {
  private final List<String> events = new ArrayList<>();

  public synchronized void add(String event) {
    events.add(event);
  }

  public synchronized List<String> events() {
    return List.copyOf(events);
  }
}
