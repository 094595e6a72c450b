package dev.spyglass.server;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.service.Config;
import dev.spyglass.server.config.ConfigException;
import dev.spyglass.server.config.ConfigLoader;
import dev.spyglass.storage.embedded.StoreConfig;
import dev.spyglass.storage.embedded.TelemetryStore;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spyglass snapshot create NAME | restore DIR}: consistent copies of the store. */
@Command(
    name = "snapshot",
    description = "Copy the store while Spyglass runs, or restore such a copy.",
    subcommands = {SnapshotCommand.Create.class, SnapshotCommand.Restore.class})
final class SnapshotCommand {

  @Command(
      name = "create",
      description = {
        "Ask the running Spyglass for a consistent copy of its store, named NAME, in its",
        "snapshots directory (extensions.api.snapshots.directory, default ./spyglass-snapshots)."
      })
  static final class Create implements Callable<Integer> {
    @Parameters(
        paramLabel = "NAME",
        description = "The snapshot's name: letters, digits, '.', '_', '-' (a new one).")
    private String name;

    @Option(
        names = "--api",
        defaultValue = "http://127.0.0.1:8686",
        description = "The running Spyglass's API (default: ${DEFAULT-VALUE}).")
    private URI api;

    @Option(names = "--exporter", description = "The store exporter, when there are several.")
    private String exporter;

    @Override
    public Integer call() throws Exception {
      String body =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .writeValueAsString(
                  exporter == null
                      ? Map.of("name", name)
                      : Map.of("name", name, "exporter", exporter));
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> response;
      try {
        response =
            client.send(
                HttpRequest.newBuilder(api.resolve("/api/v1/admin/snapshots"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        System.err.println("spyglass: no Spyglass answers at " + api + "; is it running? (--api)");
        return Main.RUNTIME_ERROR;
      }
      if (response.statusCode() != 200) {
        System.err.println("spyglass: snapshot failed: " + response.body());
        return Main.RUNTIME_ERROR;
      }
      System.out.println(response.body());
      return 0;
    }
  }

  @Command(
      name = "restore",
      description = "Copy a snapshot into an empty data directory; then start Spyglass on it.")
  static final class Restore implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "A snapshot made by 'snapshot create'.")
    private Path dir;

    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "Take the data directory from this configuration (default: built-in).")
    private Path config;

    @Option(names = "--data", paramLabel = "DIR", description = "The data directory to fill.")
    private Path data;

    @Override
    public Integer call() {
      Path target;
      try {
        target = data != null ? data : dataDirectory();
      } catch (ConfigException | IllegalArgumentException e) {
        System.err.println("spyglass: " + e.getMessage());
        return Main.CONFIG_ERROR;
      }
      try {
        TelemetryStore.restore(dir, target);
      } catch (IOException e) {
        System.err.println("spyglass: cannot restore: " + e.getMessage());
        return Main.RUNTIME_ERROR;
      }
      System.out.println("restored " + dir + " into " + target + "; start Spyglass to use it");
      return 0;
    }

    private Path dataDirectory() {
      ConfigLoader loader = ConfigLoader.create(ComponentRegistry.factories());
      Config loaded = config == null ? loader.loadDefault() : loader.load(config);
      List<Map.Entry<ComponentId, ComponentConfig>> stores =
          loaded.exporters().entrySet().stream()
              .filter(e -> e.getValue() instanceof StoreConfig)
              .toList();
      if (stores.size() != 1) {
        throw new IllegalArgumentException(
            "the configuration has "
                + stores.size()
                + " store exporters; name the directory with --data");
      }
      return Path.of(((StoreConfig) stores.getFirst().getValue()).path());
    }
  }
}
