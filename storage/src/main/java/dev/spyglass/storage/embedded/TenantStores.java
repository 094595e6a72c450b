package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.PermanentException;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.TelemetryConsumer;
import dev.spyglass.pipeline.Tenants;
import dev.spyglass.pipeline.component.Health;
import dev.spyglass.storage.StorageComponent;
import dev.spyglass.storage.TelemetryReader;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * The embedded store with tenants (docs/adr/0022): one {@link TelemetryStore} per tenant — the
 * default tenant's at the configured path, every other's at {@code <path>/tenants/<id>} — opened at
 * start for the tenants that have data and on first write for new ones. A batch goes to its
 * tenant's store after that tenant's limits admit it; a read sees one tenant's store only, and a
 * tenant without data reads an empty store that is never written.
 */
public final class TenantStores implements StorageComponent, Closeable {
  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("tenant");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
  private final StoreConfig config;
  private final StoreConfig.Multitenancy tenancy;
  private final Path root;
  private final Logger log;
  private final Meter meter;
  private final Map<String, TelemetryStore> stores = new ConcurrentHashMap<>();
  private final Map<String, TenantAdmission> admissions = new ConcurrentHashMap<>();
  private final LongCounter records;
  private final LongCounter bytes;
  private final Object opening = new Object();
  private volatile TelemetryStore empty;
  private volatile boolean closed;

  private TenantStores(StoreConfig config, Logger log, Meter meter) {
    this.config = config;
    this.tenancy = config.multitenancy();
    this.root = Path.of(config.path()).toAbsolutePath();
    this.log = log;
    this.meter = meter;
    this.records =
        meter
            .counterBuilder("spyglass_tenant_records")
            .setDescription(
                "Records (log records, spans, data points) each tenant sent, by outcome: accepted,"
                    + " throttled (429, over a rate), refused (400, over a size limit or no tenant)")
            .build();
    this.bytes =
        meter
            .counterBuilder("spyglass_tenant_bytes")
            .setUnit("By")
            .setDescription("Request bytes (OTLP protobuf) each tenant sent, by outcome")
            .build();
  }

  /** Opens the store of every tenant that has data under {@code config.path()}. */
  public static TenantStores open(StoreConfig config, Logger log, Meter meter) throws IOException {
    TenantStores tenants = new TenantStores(config, log, meter);
    try {
      if (!tenants.tenancy.defaultTenant().isEmpty()) {
        tenants.store(tenants.tenancy.defaultTenant());
      }
      Path dir = tenants.root.resolve("tenants");
      if (Files.isDirectory(dir)) {
        try (Stream<Path> entries = Files.list(dir)) {
          for (Path entry : entries.filter(Files::isDirectory).toList()) {
            String id = entry.getFileName().toString();
            try {
              tenants.store(Tenants.check(id));
            } catch (IllegalArgumentException e) {
              log.warn("ignoring {}: not a tenant's directory ({})", entry, e.getMessage());
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      tenants.close();
      throw e;
    }
    return tenants;
  }

  /** Where {@code tenant}'s store is: the configured path for the default tenant. */
  private Path directoryOf(String tenant) {
    return tenant.equals(tenancy.defaultTenant()) ? root : root.resolve("tenants").resolve(tenant);
  }

  /** {@code tenant}'s store, opened (and its directory made) if it is not open yet. */
  private TelemetryStore store(String tenant) throws IOException {
    TelemetryStore open = stores.get(tenant);
    if (open != null) {
      return open;
    }
    synchronized (opening) {
      if (closed) {
        throw new IOException("the store is closed");
      }
      open = stores.get(tenant);
      if (open == null) {
        Path directory = directoryOf(tenant);
        open = TelemetryStore.openForTenant(config.at(directory), log, meter, tenant);
        TenantAdmission admission = admission(tenant);
        for (Signal signal : Signal.values()) {
          admission.known(signal, open.reader().fields(signal).keySet());
        }
        stores.put(tenant, open);
        log.info("tenant {}: store open at {}", tenant, directory);
      }
      return open;
    }
  }

  private TenantAdmission admission(String tenant) {
    return admissions.computeIfAbsent(
        tenant, t -> new TenantAdmission(t, tenancy.limitsOf(t), System::nanoTime));
  }

  /** Stores {@code batch} in its tenant's store once that tenant's limits admit it. */
  public CompletableFuture<Void> write(Telemetry batch) {
    Optional<String> named = batch.context().tenant();
    if (named.isEmpty() && tenancy.defaultTenant().isEmpty()) {
      return CompletableFuture.failedFuture(
          new PermanentException(
              "no tenant: send the X-Scope-OrgID header (this Spyglass keeps tenants apart and has"
                  + " no multitenancy.default_tenant)"));
    }
    String tenant = named.orElse(tenancy.defaultTenant());
    if (!stores.containsKey(tenant) && stores.size() >= tenancy.maxTenants()) {
      // Each tenant costs a store (a WAL, an indexer): made-up ids cannot exhaust the machine.
      return CompletableFuture.failedFuture(
          new PermanentException(
              "tenant "
                  + tenant
                  + " is new and this Spyglass keeps "
                  + tenancy.maxTenants()
                  + " tenants already (multitenancy.max_tenants)"));
    }
    Attributes tenantOnly = Attributes.of(TENANT, tenant);
    try {
      admission(tenant).admit(batch);
    } catch (RetryableException e) {
      count(batch, tenantOnly, "throttled");
      return CompletableFuture.failedFuture(e);
    } catch (PermanentException e) {
      count(batch, tenantOnly, "refused");
      return CompletableFuture.failedFuture(e);
    }
    TelemetryStore store;
    try {
      store = store(tenant);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(
          new RetryableException(
              "cannot open tenant " + tenant + "'s store: " + e.getMessage(),
              Duration.ofSeconds(1),
              e));
    }
    return store
        .write(batch)
        .whenComplete(
            (ok, failure) -> {
              if (failure == null) {
                count(batch, tenantOnly, "accepted");
              }
            });
  }

  private void count(Telemetry batch, Attributes tenant, String outcome) {
    Attributes attributes = tenant.toBuilder().put(OUTCOME, outcome).build();
    records.add(batch.itemCount(), attributes);
    bytes.add(batch.request().getSerializedSize(), attributes);
  }

  @Override
  public TelemetryConsumer consumer() {
    return this::write;
  }

  @Override
  public boolean multitenant() {
    return true;
  }

  @Override
  public Optional<String> defaultTenant() {
    return tenancy.defaultTenant().isEmpty()
        ? Optional.empty()
        : Optional.of(tenancy.defaultTenant());
  }

  @Override
  public TelemetryReader reader() {
    return defaultTenant().map(this::reader).orElseGet(() -> emptyStore().reader());
  }

  @Override
  public TelemetryReader reader(String tenant) {
    TelemetryStore store = stores.get(Tenants.check(tenant));
    return store != null ? store.reader() : emptyStore().reader();
  }

  /** {@code tenant}'s store if it has one (for snapshots). */
  public Optional<TelemetryStore> storeOf(String tenant) {
    return Optional.ofNullable(stores.get(tenant));
  }

  /** The tenants with data, sorted. */
  public List<String> tenants() {
    return stores.keySet().stream().sorted().toList();
  }

  /** A store that is never written: what a tenant without data reads. */
  private TelemetryStore emptyStore() {
    TelemetryStore current = empty;
    if (current != null) {
      return current;
    }
    synchronized (opening) {
      if (empty == null) {
        try {
          empty = TelemetryStore.open(config.at(root.resolve("tenants-empty")), log, meter);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException("cannot open the empty store", e);
        }
      }
      return empty;
    }
  }

  @Override
  public Health check() {
    List<String> problems = new ArrayList<>();
    boolean ready = true;
    for (Map.Entry<String, TelemetryStore> store : stores.entrySet()) {
      Health health = store.getValue().health();
      ready &= health.ready();
      if (!health.reason().isEmpty()) {
        problems.add("tenant " + store.getKey() + ": " + health.reason());
      }
    }
    String reason = String.join("; ", problems);
    return ready
        ? (reason.isEmpty() ? Health.ok() : new Health(true, reason))
        : Health.notReady(reason);
  }

  @Override
  public Optional<Path> directory() {
    return Optional.of(root);
  }

  @Override
  public void close() throws IOException {
    List<TelemetryStore> open;
    synchronized (opening) {
      closed = true;
      open = new ArrayList<>(stores.values());
      if (empty != null) {
        open.add(empty);
      }
    }
    IOException failure = null;
    for (TelemetryStore store : open) {
      try {
        store.close();
      } catch (IOException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
