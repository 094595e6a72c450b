package dev.spyglass.pipeline.testing;

import dev.spyglass.pipeline.component.Component;
import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.pipeline.component.Host;

/** Lifecycle shared by the test components: records start/shutdown, can refuse to start. */
abstract class TestComponent implements Component {
  final ComponentSettings settings;
  final TestComponentConfig config;
  private final LifecycleLog lifecycle;
  private volatile Health health = Health.ok();

  TestComponent(ComponentSettings settings, TestComponentConfig config, LifecycleLog lifecycle) {
    this.settings = settings;
    this.config = config;
    this.lifecycle = lifecycle;
  }

  @Override
  public void start(Host host) {
    if (config.failStart()) {
      throw new IllegalStateException("told to fail");
    }
    lifecycle.add("start " + settings.displayName());
  }

  @Override
  public void shutdown() {
    lifecycle.add("shutdown " + settings.displayName());
  }

  @Override
  public Health check() {
    return health;
  }

  /** Makes {@link #check()} answer {@code health}. */
  public void setHealth(Health health) {
    this.health = health;
  }
}
