package dev.spyglass.storage;

import static java.util.Objects.requireNonNull;

/**
 * One edge of the service dependency graph: spans of {@code child} whose parent span belongs to
 * {@code parent}, a different service.
 *
 * @param callCount how many such child spans
 */
public record Dependency(String parent, String child, long callCount) {
  public Dependency {
    requireNonNull(parent, "parent");
    requireNonNull(child, "child");
  }
}
