package dev.spyglass.storage.embedded;

import static dev.spyglass.storage.Otlp.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.PermanentException;
import dev.spyglass.pipeline.RequestContext;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.storage.Otlp;
import dev.spyglass.storage.SearchRequest;
import dev.spyglass.storage.TelemetryReader;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A store per tenant (ADR 0022): apart on disk, apart in reads, and again after a restart. */
class TenantStoresTest {
  @TempDir Path dir;

  private TenantStores open(String defaultTenant) throws Exception {
    return open(defaultTenant, 100);
  }

  private TenantStores open(String defaultTenant, int maxTenants) throws Exception {
    StoreConfig base = LuceneStoreContractTest.config(dir);
    StoreConfig config =
        new StoreConfig(
            base.path(),
            base.durability(),
            base.refreshInterval(),
            base.commitInterval(),
            base.partitionDuration(),
            base.walSegmentSize(),
            base.retention(),
            base.limits(),
            base.backpressure(),
            base.query(),
            base.patterns(),
            new StoreConfig.Multitenancy(
                true, defaultTenant, StoreConfig.TenantLimits.NONE, Map.of(), maxTenants));
    return TenantStores.open(
        config, LoggerFactory.getLogger("tenants"), MeterProvider.noop().get("t"));
  }

  private static Logs logs(String tenant, String body) {
    return Logs.of(
        Otlp.logs("svc", Otlp.log(T0, SeverityNumber.SEVERITY_NUMBER_INFO, body)).request(),
        RequestContext.ofTenant(Optional.ofNullable(tenant)));
  }

  private static long count(TelemetryReader reader, String q) throws Exception {
    return reader
        .search(SearchRequest.of(Signal.LOGS, q, Long.MIN_VALUE, Long.MAX_VALUE, 10))
        .total();
  }

  @Test
  void eachTenantReadsItsOwnStore_beforeAndAfterARestart() throws Exception {
    try (TenantStores stores = open("main")) {
      stores.write(logs("a", "alpha")).join();
      stores.write(logs("b", "bravo")).join();
      stores.write(logs(null, "default")).join();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> count(stores.reader("a"), "alpha") == 1);
      assertThat(count(stores.reader("a"), "bravo")).isZero();
      assertThat(count(stores.reader("a"), "default")).isZero();
      assertThat(stores.tenants()).containsExactly("a", "b", "main");
    }
    assertThat(dir.resolve("tenants/a/wal")).isDirectory();
    assertThat(dir.resolve("tenants/b/wal")).isDirectory();
    assertThat(dir.resolve("wal")).as("the default tenant's store is at the path").isDirectory();
    try (TenantStores stores = open("main")) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> count(stores.reader("b"), "bravo") == 1);
      assertThat(count(stores.reader("b"), "alpha")).isZero();
      assertThat(count(stores.reader(), "default")).isEqualTo(1);
      assertThat(count(stores.reader("nobody"), "*")).as("a tenant without data").isZero();
      assertThat(dir.resolve("tenants/nobody")).doesNotExist();
    }
  }

  @Test
  void pastMaxTenants_aNewTenantsDataIsRefused_knownTenantsGoOn() throws Exception {
    try (TenantStores stores = open("", 2)) {
      stores.write(logs("a", "alpha")).join();
      stores.write(logs("b", "bravo")).join();
      assertThat(stores.write(logs("c", "charlie")))
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(PermanentException.class)
          .withMessageContaining("max_tenants");
      stores.write(logs("a", "again")).join();
      assertThat(dir.resolve("tenants/c")).doesNotExist();
    }
  }

  @Test
  void withoutADefaultTenant_dataWithoutOneIsRefused() throws Exception {
    try (TenantStores stores = open("")) {
      assertThat(stores.write(logs(null, "orphan")))
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(PermanentException.class)
          .withMessageContaining("X-Scope-OrgID");
      assertThat(count(stores.reader(), "*")).isZero();
    }
  }
}
