package dev.spyglass.server;

import dev.spyglass.pipeline.service.Config;
import dev.spyglass.server.config.ConfigException;
import dev.spyglass.server.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spyglass validate [--config FILE]}: checks a configuration as {@code run} would, without
 * starting anything. Exits 0 when valid; otherwise prints where and why, and exits 2.
 */
@Command(name = "validate", description = "Check a configuration file without starting anything.")
final class ValidateCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Configuration file to check (the built-in configuration when absent).")
  private Path config;

  @Override
  public Integer call() {
    ConfigLoader loader = ConfigLoader.create(ComponentRegistry.factories());
    String name = config == null ? ConfigLoader.DEFAULT_SOURCE : config.toString();
    try {
      Config loaded = config == null ? loader.loadDefault() : loader.load(config);
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "%s: valid; pipelines %s%n",
          name, loaded.service().pipelines().keySet().stream().map(Object::toString).toList());
      out.flush();
      return 0;
    } catch (ConfigException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(e.getMessage());
      err.flush();
      return Main.CONFIG_ERROR;
    }
  }
}
