package dev.spyglass.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spyglass.exporter.filestorage.FileStorageFactory;
import dev.spyglass.exporter.otlp.OtlpExporterFactory;
import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.Endpoint;
import dev.spyglass.pipeline.service.Config;
import dev.spyglass.pipeline.service.Factories;
import dev.spyglass.pipeline.service.PipelineId;
import dev.spyglass.pipeline.testing.TestFactories;
import dev.spyglass.server.api.ApiConfig;
import dev.spyglass.server.api.ApiExtensionFactory;
import dev.spyglass.server.debug.DebugExporterConfig;
import dev.spyglass.server.debug.DebugExporterFactory;
import dev.spyglass.storage.embedded.SpyglassExporterFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final Map<String, String> ENV = Map.of("API_PORT", "9999", "VERBOSITY", "normal");
  private final Factories factories =
      new TestFactories()
          .register(Factories.builder())
          .exporter(new DebugExporterFactory())
          .exporter(new SpyglassExporterFactory())
          .exporter(new OtlpExporterFactory())
          .extension(new FileStorageFactory())
          .extension(new ApiExtensionFactory())
          .build();
  private final ConfigLoader loader = ConfigLoader.create(factories, ENV::get);

  private static final String VALID =
      """
      receivers:
        testrcv:
        testrcv/2: {}
      processors:
        testproc: {tag: first}
      exporters:
        debug:
          verbosity: ${VERBOSITY}
          sampling_initial: 5
        testexp:
      extensions:
        api:
          endpoint: 127.0.0.1:${env:API_PORT}
      service:
        extensions: [api]
        pipelines:
          logs:
            receivers: [testrcv, testrcv/2]
            processors: [testproc]
            exporters: [debug, testexp]
          traces/extra:
            receivers: [testrcv]
            exporters: [testexp]
      """;

  private AbstractThrowableAssert<?, ? extends Throwable> assertError(String yaml) {
    return assertThatThrownBy(() -> loader.parse(yaml, "test.yaml"))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void validConfig_bindsOverDefaults_withSubstitution() {
    Config config = loader.parse(VALID, "test.yaml");

    assertThat(config.exporters().get(ComponentId.of("debug")))
        .isEqualTo(new DebugExporterConfig(DebugExporterConfig.Verbosity.NORMAL, 5, 1));
    assertThat(config.extensions().get(ComponentId.of("api")))
        .isEqualTo(new ApiConfig(new Endpoint("127.0.0.1", 9999)));
    assertThat(config.receivers().keySet())
        .containsExactly(ComponentId.of("testrcv"), ComponentId.parse("testrcv/2"));
    assertThat(config.service().pipelines().keySet())
        .containsExactly(PipelineId.parse("logs"), PipelineId.parse("traces/extra"));
    assertThat(config.service().pipelines().get(PipelineId.parse("logs")).exporters())
        .containsExactly(ComponentId.of("debug"), ComponentId.of("testexp"));
  }

  @Test
  void unknownKey_namesTheKey_itsLine_andTheKnownKeys() {
    assertError(VALID.replace("sampling_initial: 5", "samplng_initial: 5"))
        .hasMessage(
            "test.yaml:9:5: exporters.debug.samplng_initial: unknown key 'samplng_initial';"
                + " expected one of: sampling_initial, sampling_thereafter, verbosity");
  }

  @Test
  void unknownSection_isNamed() {
    assertError(VALID + "exporterz: {}\n")
        .hasMessageContaining("test.yaml:24:1: exporterz: unknown section 'exporterz'");
  }

  @Test
  void unknownComponentType_isNamed_withTheKnownTypes() {
    assertError(VALID.replace("  testrcv/2: {}", "  kafka: {}"))
        .hasMessage(
            "test.yaml:3:3: receivers.kafka: unknown receiver type 'kafka'; known types:"
                + " [logsonly, testrcv]");
  }

  @Test
  void wrongValueTypes_sayWhatWasExpected() {
    assertError(VALID.replace("sampling_initial: 5", "sampling_initial: lots"))
        .hasMessage(
            "test.yaml:9:23: exporters.debug.sampling_initial: expected a whole number, got"
                + " 'lots'");
    assertError(VALID.replace("verbosity: ${VERBOSITY}", "verbosity: loud"))
        .hasMessageContaining(
            "exporters.debug.verbosity: expected one of: basic, normal, detailed, got 'loud'");
    assertError(VALID.replace("endpoint: 127.0.0.1:${env:API_PORT}", "endpoint: 8686"))
        .hasMessage(
            "test.yaml:13:15: extensions.api.endpoint: expected an endpoint host:port, e.g."
                + " 127.0.0.1:4317, got 8686");
    assertError(VALID.replace("endpoint: 127.0.0.1:${env:API_PORT}", "endpoint: localhost"))
        .hasMessage(
            "test.yaml:13:15: extensions.api.endpoint: 'localhost' is not an endpoint: expected"
                + " host:port, e.g. 127.0.0.1:4317");
    assertError(VALID.replace("  testproc: {tag: first}", "  testproc: [1, 2]"))
        .hasMessage("test.yaml:5:13: processors.testproc: expected a mapping of settings");
    assertError(VALID.replace("receivers: [testrcv]", "receivers: testrcv"))
        .hasMessageContaining(
            "service.pipelines.traces/extra.receivers: expected a list of component ids");
  }

  @Test
  void componentValidate_failure_pointsAtTheKey() {
    assertError(VALID.replace("sampling_initial: 5", "sampling_thereafter: 0"))
        .hasMessage("test.yaml:9:26: exporters.debug.sampling_thereafter: must be 1 or more");
    assertError(VALID.replace("{tag: first}", "{tag: two words}"))
        .hasMessage("test.yaml:5:19: processors.testproc.tag: must not contain spaces");
  }

  @Test
  void undefinedComponentInPipeline_pointsAtTheReference() {
    assertError(VALID.replace("receivers: [testrcv, testrcv/2]", "receivers: [testrcv, otlp]"))
        .hasMessage(
            "test.yaml:18:28: service.pipelines.logs.receivers[1]: receiver 'otlp' is not"
                + " defined in the 'receivers' section (defined: [testrcv, testrcv/2])");
  }

  @Test
  void pipelineWithoutReceiversOrExporters_isRefused() {
    assertError(VALID.replace("      receivers: [testrcv]\n", ""))
        .hasMessage(
            "test.yaml:21:5: service.pipelines.traces/extra.receivers: pipeline 'traces/extra'"
                + " needs at least one receiver");
    assertError(VALID.replace("      exporters: [testexp]\n", ""))
        .hasMessageContaining("pipeline 'traces/extra' needs at least one exporter");
  }

  @Test
  void badPipelineId_andUnknownPipelineKey_areNamed() {
    assertError(VALID.replace("traces/extra:", "spans:"))
        .hasMessageContaining(
            "test.yaml:21:5: service.pipelines.spans: invalid pipeline id 'spans': expected"
                + " traces, metrics or logs");
    assertError(VALID.replace("processors: [testproc]", "procesors: [testproc]"))
        .hasMessage(
            "test.yaml:19:7: service.pipelines.logs.procesors: unknown key 'procesors'; expected"
                + " one of: [exporters, processors, receivers]");
  }

  @Test
  void undefinedEnvironmentVariable_isAnError_atItsLine() {
    assertError(VALID.replace("${env:API_PORT}", "${env:NO_SUCH_PORT}"))
        .hasMessage(
            "test.yaml:13:15: extensions.api.endpoint: environment variable NO_SUCH_PORT is not"
                + " defined; define it, or give a default with ${NO_SUCH_PORT:-default}");
  }

  @Test
  void missingServiceSection_isAnError() {
    assertError("exporters:\n  debug:\n").hasMessageContaining("missing section 'service'");
  }

  @Test
  void missingFile_isNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> loader.load(missing)).hasMessage(missing + ": no such file");
  }

  @Test
  void file_isLoaded_andNamedInErrors(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("spyglass.yaml");
    Files.writeString(file, VALID.replace("verbosity: ${VERBOSITY}", "verbosity: 3"));
    assertThatThrownBy(() -> loader.load(file)).hasMessageStartingWith(file + ":8:16: ");
    Files.writeString(file, VALID);
    assertThat(loader.load(file).exporters()).hasSize(2);
  }

  @Test
  void listOfUnknownKind_inServiceExtensions_isRefused() {
    assertError(VALID.replace("extensions: [api]", "extensions: [api, pprof]"))
        .hasMessageContaining(
            "service.extensions[1]: extension 'pprof' is not defined in the 'extensions' section");
  }

  @Test
  void nullComponentSection_meansDefaults() {
    Config config =
        loader.parse(
            VALID.replace(
                "  debug:\n    verbosity: ${VERBOSITY}\n    sampling_initial: 5\n", "  debug:\n"),
            "t.yaml");
    assertThat(config.exporters().get(ComponentId.of("debug")))
        .isEqualTo(new DebugExporterFactory().defaultConfig());
  }

  @Test
  void everyKnownComponentId_roundTrips() {
    assertThat(List.of("otlp", "otlp/2", "otlp/with-dash"))
        .allSatisfy(id -> assertThat(ComponentId.parse(id).toString()).isEqualTo(id));
  }

  private static String withApiStorage(String yaml, String storage) {
    return yaml.replace(
        "    endpoint: 127.0.0.1:${env:API_PORT}\n",
        "    endpoint: 127.0.0.1:${env:API_PORT}\n    storage: " + storage + "\n");
  }

  @Test
  void apiStorage_mustNameAStoreExporterThatRuns_orTheLineIsNamed() {
    assertError(withApiStorage(VALID, "spyglass/main"))
        .hasMessage(
            "test.yaml:14:14: extensions.api.storage: exporter 'spyglass/main' is not defined in"
                + " the 'exporters' section (defined: [debug, testexp])");
    assertError(withApiStorage(VALID, "debug"))
        .hasMessage(
            "test.yaml:14:14: extensions.api.storage: exporter 'debug' (type debug) is not a store"
                + " exporter (such as spyglass)");
    String unused = VALID.replace("  testexp:\n", "  testexp:\n  spyglass/main: {}\n");
    assertError(withApiStorage(unused, "spyglass/main"))
        .hasMessage(
            "test.yaml:15:14: extensions.api.storage: exporter 'spyglass/main' never starts: use"
                + " it in a pipeline");
    String used =
        unused.replace("exporters: [debug, testexp]", "exporters: [debug, spyglass/main]");
    assertThat(loader.parse(withApiStorage(used, "spyglass/main"), "test.yaml").extensions())
        .containsValue(
            new ApiConfig(
                new Endpoint("127.0.0.1", 9999),
                "spyglass/main",
                java.time.Duration.ofSeconds(10),
                ApiConfig.Snapshots.DEFAULT,
                null,
                null,
                false,
                0));
  }

  @Test
  void anApiReachableFromOtherMachines_needsAuth_orASaidInsecure() {
    String open = VALID.replace("endpoint: 127.0.0.1:${env:API_PORT}", "endpoint: 0.0.0.0:8686");
    assertError(open)
        .hasMessageStartingWith(
            "test.yaml:13:15: extensions.api.endpoint: '0.0.0.0' is reachable from other"
                + " machines");
    assertThat(
            loader
                .parse(
                    open.replace(
                        "endpoint: 0.0.0.0:8686", "endpoint: 0.0.0.0:8686\n    insecure: true"),
                    "test.yaml")
                .extensions())
        .isNotEmpty();
    String withAuth =
        open.replace(
            "endpoint: 0.0.0.0:8686",
            "endpoint: 0.0.0.0:8686\n    auth: { tokens: [{ token: s3cret, role: admin }] }");
    assertThat(loader.parse(withAuth, "test.yaml").extensions()).isNotEmpty();
    assertError(withAuth.replace("role: admin", "role: root"))
        .hasMessageContaining("extensions.api.auth.tokens[0].role: role must be read or admin");
  }

  @Test
  void anApiBehindClientCertificates_mayListenEverywhere_andMapsSubjectsToRoles(@TempDir Path dir)
      throws Exception {
    for (String file : List.of("s.crt", "s.key", "ca.crt")) {
      Files.writeString(dir.resolve(file), "pem");
    }
    String tls =
        "endpoint: 0.0.0.0:8686\n    tls: { cert_file: D/s.crt, key_file: D/s.key, CA }"
            .replace("D", dir.toString());
    String open = VALID.replace("endpoint: 127.0.0.1:${env:API_PORT}", "endpoint: 0.0.0.0:8686");
    String mtls =
        open.replace(
            "endpoint: 0.0.0.0:8686", tls.replace("CA", "client_ca_file: " + dir + "/ca.crt"));
    assertThat(loader.parse(mtls, "test.yaml").extensions()).isNotEmpty();
    assertError(open.replace("endpoint: 0.0.0.0:8686", tls.replace(", CA", "")))
        .hasMessageContaining("extensions.api.endpoint: '0.0.0.0' is reachable from other");
    String mapped =
        mtls.replace(
            "endpoint: 0.0.0.0:8686",
            "endpoint: 0.0.0.0:8686\n    auth: { clients: [{ subject: \"CN=ops\", role: admin }] }");
    assertThat(loader.parse(mapped, "test.yaml").extensions()).isNotEmpty();
    assertError(mapped.replace("CN=ops", "ops"))
        .hasMessageContaining(
            "extensions.api.auth.clients[0].subject: 'ops' is not a distinguished name");
    assertError(mapped.replace(", client_ca_file: " + dir + "/ca.crt", "") + "")
        .hasMessageContaining(
            "extensions.api.auth.clients: client certificates are only seen with"
                + " tls.client_ca_file set");
    assertError(mtls.replace(dir + "/ca.crt", dir + "/none.crt"))
        .hasMessageContaining("extensions.api.tls.client_ca_file: cannot read file");
  }

  @Test
  void apiQueryTimeout_isADuration_ofAtLeastOneMillisecond() {
    assertError(
            VALID.replace(
                "    endpoint: 127.0.0.1:${env:API_PORT}\n",
                "    endpoint: 127.0.0.1:${env:API_PORT}\n    query_timeout: 0s\n"))
        .hasMessage("test.yaml:14:20: extensions.api.query_timeout: must be at least 1ms");
  }

  @Test
  void aDiskSendingQueue_mustNameAFileStorageExtensionThatRuns() {
    String withQueue =
        VALID.replace(
            "  testexp:\n",
            "  testexp:\n  otlp/central:\n    endpoint: 127.0.0.1:4317\n"
                + "    sending_queue: { storage: file_storage }\n");
    assertError(withQueue)
        .hasMessage(
            "test.yaml:13:31: exporters.otlp/central.sending_queue.storage: extension"
                + " 'file_storage' is not defined in the 'extensions' section (defined: [api])");
    String defined = withQueue.replace("extensions:\n", "extensions:\n  file_storage: {}\n");
    assertError(defined)
        .hasMessageContaining(
            "exporters.otlp/central.sending_queue.storage: extension 'file_storage' never starts:"
                + " list it in service.extensions");
    assertError(withQueue.replace("storage: file_storage", "storage: api"))
        .hasMessageContaining("extension 'api' (type api) is not a file_storage extension");
  }
}
