package dev.spyglass.server;

import dev.spyglass.pipeline.service.Config;
import dev.spyglass.pipeline.service.Service;
import dev.spyglass.server.config.ConfigException;
import dev.spyglass.server.config.ConfigLoader;
import dev.spyglass.server.telemetry.SelfTelemetry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spyglass run [--config FILE]}: starts every component and runs until SIGTERM or Ctrl-C,
 * then stops accepting, drains, flushes and exits 0.
 */
@Command(name = "run", description = "Start Spyglass (built-in configuration unless --config).")
final class RunCommand implements Callable<Integer> {
  /** Returned when the service runs on; the JVM then exits from the shutdown hook. */
  static final int KEEP_RUNNING = -1;

  private static final Logger log = LoggerFactory.getLogger("spyglass");
  private static final long SHUTDOWN_DEADLINE_SECONDS = 25;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Configuration file in the OpenTelemetry Collector's YAML shape.")
  private Path config;

  @Override
  public Integer call() {
    ConfigLoader loader = ConfigLoader.create(ComponentRegistry.factories());
    Config loaded;
    try {
      loaded = config == null ? loader.loadDefault() : loader.load(config);
    } catch (ConfigException e) {
      System.err.println("spyglass: invalid configuration: " + e.getMessage());
      return Main.CONFIG_ERROR;
    }
    log.info(
        "starting with {}",
        config == null ? "the built-in configuration" : "configuration " + config);
    SelfTelemetry selfTelemetry = SelfTelemetry.create(loaded.service().telemetry());
    Service service =
        Service.create(
            loaded, ComponentRegistry.factories(selfTelemetry), selfTelemetry.meterProvider());
    try {
      service.start();
    } catch (RuntimeException e) {
      System.err.println("spyglass: " + e.getMessage());
      return Main.RUNTIME_ERROR;
    }
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(service, selfTelemetry), "spyglass-shutdown"));
    log.info("ready");
    return KEEP_RUNNING;
  }

  /**
   * Runs in the shutdown hook (SIGTERM, Ctrl-C). Ends the JVM with {@code halt} so that a clean
   * shutdown exits 0 rather than the 128+signal a JVM reports after a signal.
   */
  private static void stop(Service service, SelfTelemetry selfTelemetry) {
    Thread watchdog =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    TimeUnit.SECONDS.sleep(SHUTDOWN_DEADLINE_SECONDS);
                    log.error("shutdown took over {}s; exiting anyway", SHUTDOWN_DEADLINE_SECONDS);
                    Runtime.getRuntime().halt(Main.RUNTIME_ERROR);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    log.info("shutting down");
    // First, while the receivers still take data: the last export may go to Spyglass itself.
    selfTelemetry.close();
    service.shutdown();
    watchdog.interrupt();
    System.err.flush();
    Runtime.getRuntime().halt(0);
  }
}
