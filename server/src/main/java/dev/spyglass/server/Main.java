package dev.spyglass.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code spyglass run | validate}: the command line, as {@code ./spyglass} runs it. */
@Command(
    name = "spyglass",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "OpenTelemetry collector and telemetry store.",
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      SnapshotCommand.class,
      PatternsCommand.class
    })
public final class Main {

  /** Exit code for a configuration that cannot be used. */
  static final int CONFIG_ERROR = 2;

  /** Exit code for a service that failed to start or to stop cleanly. */
  static final int RUNTIME_ERROR = 1;

  // Held so the level sticks: Lucene's notice about the vector API concerns vector search only.
  private static final java.util.logging.Logger LUCENE_VECTORS =
      java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

  public static void main(String[] args) {
    LUCENE_VECTORS.setLevel(java.util.logging.Level.SEVERE);
    CommandLine commandLine = new CommandLine(new Main());
    int exitCode = commandLine.execute(args);
    if (exitCode != RunCommand.KEEP_RUNNING) {
      System.exit(exitCode);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"spyglass " + (version == null ? "(development build)" : version)};
    }
  }
}
