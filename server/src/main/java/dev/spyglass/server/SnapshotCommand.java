package dev.spyglass.server;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.ClientFactoryBuilder;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.service.Config;
import dev.spyglass.server.config.ConfigException;
import dev.spyglass.server.config.ConfigLoader;
import dev.spyglass.storage.embedded.SnapshotKey;
import dev.spyglass.storage.embedded.StoreConfig;
import dev.spyglass.storage.embedded.TelemetryStore;
import java.io.IOException;
import java.net.URI;
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

    @Option(
        names = "--encrypt-key-file",
        paramLabel = "FILE",
        description = {
          "Encrypt the snapshot (AES-256-GCM) with the key in FILE: the base64 of 32 bytes,",
          "as 'openssl rand -base64 32 > FILE' makes. Restore needs the same key."
        })
    private Path encryptKeyFile;

    @Option(
        names = "--token-file",
        paramLabel = "FILE",
        description = {
          "A file holding an admin token of the API (extensions.api.auth);",
          "default: the environment variable SPYGLASS_API_TOKEN, if set."
        })
    private Path tokenFile;

    @Option(
        names = "--ca-file",
        paramLabel = "FILE",
        description = "For an https API: the CA (PEM) its certificate is signed by.")
    private Path caFile;

    @Option(
        names = "--cert-file",
        paramLabel = "FILE",
        description = "For an API that requires client certificates: this client's (PEM).")
    private Path certFile;

    @Option(
        names = "--key-file",
        paramLabel = "FILE",
        description = "The private key (PEM) of --cert-file.")
    private Path keyFile;

    @Override
    public Integer call() throws Exception {
      if ((certFile == null) != (keyFile == null)) {
        System.err.println("spyglass: --cert-file and --key-file go together");
        return Main.CONFIG_ERROR;
      }
      Map<String, String> request = new java.util.LinkedHashMap<>();
      request.put("name", name);
      if (exporter != null) {
        request.put("exporter", exporter);
      }
      if (encryptKeyFile != null) {
        try {
          SnapshotKey key = SnapshotKey.read(encryptKeyFile);
          request.put("encryption_key", key.base64());
          System.err.println("encrypting with key " + key.id());
        } catch (IOException e) {
          System.err.println("spyglass: --encrypt-key-file: " + e.getMessage());
          return Main.CONFIG_ERROR;
        }
      }
      String token =
          tokenFile != null
              ? java.nio.file.Files.readString(tokenFile).strip()
              : System.getenv("SPYGLASS_API_TOKEN");
      RequestHeadersBuilder headers =
          RequestHeaders.builder(HttpMethod.POST, "/api/v1/admin/snapshots")
              .contentType(MediaType.JSON_UTF_8);
      if (token != null && !token.isBlank()) {
        headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token.strip());
      }
      ClientFactoryBuilder factory = ClientFactory.builder().connectTimeout(Duration.ofSeconds(5));
      if (caFile != null || certFile != null) {
        factory.tlsCustomizer(
            tls -> {
              if (caFile != null) {
                tls.trustManager(caFile.toFile());
              }
              if (certFile != null) {
                tls.keyManager(certFile.toFile(), keyFile.toFile());
              }
            });
      }
      AggregatedHttpResponse response;
      try (ClientFactory clients = factory.build()) {
        response =
            WebClient.builder(api)
                .factory(clients)
                .responseTimeout(Duration.ZERO) // a big store takes a while to copy
                .build()
                .execute(
                    headers.build(),
                    new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(request))
                .aggregate()
                .join();
      } catch (java.util.concurrent.CompletionException e) {
        System.err.println(
            "spyglass: no Spyglass answers at "
                + api
                + " ("
                + (e.getCause() == null ? e : e.getCause()).getMessage()
                + "); is it running? (--api)");
        return Main.RUNTIME_ERROR;
      }
      if (response.status().code() != 200) {
        System.err.println("spyglass: snapshot failed: " + response.contentUtf8());
        return Main.RUNTIME_ERROR;
      }
      System.out.println(response.contentUtf8());
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

    @Option(
        names = "--decrypt-key-file",
        paramLabel = "FILE",
        description = {
          "For an encrypted snapshot: a key file it may have been encrypted with. Repeat it",
          "while keys rotate; the snapshot names the key it needs."
        })
    private List<Path> keyFiles = new java.util.ArrayList<>();

    @Override
    public Integer call() {
      Path target;
      try {
        target = data != null ? data : dataDirectory();
      } catch (ConfigException | IllegalArgumentException e) {
        System.err.println("spyglass: " + e.getMessage());
        return Main.CONFIG_ERROR;
      }
      List<SnapshotKey> keys = new java.util.ArrayList<>();
      for (Path file : keyFiles) {
        try {
          keys.add(SnapshotKey.read(file));
        } catch (IOException e) {
          System.err.println("spyglass: --decrypt-key-file: " + e.getMessage());
          return Main.CONFIG_ERROR;
        }
      }
      try {
        TelemetryStore.restore(dir, target, keys);
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
