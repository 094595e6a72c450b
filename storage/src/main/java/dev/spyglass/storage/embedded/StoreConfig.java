package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.time.Duration;

/**
 * Configuration of the {@code spyglass} exporter, the embedded store (docs/adr/0005).
 *
 * @param path the data directory; default {@code ./spyglass-data}
 * @param durability {@code fsync} (default): acknowledge only what is on disk; {@code none}:
 *     acknowledge what was written, which a power failure (not a crash) can lose
 * @param refreshInterval how soon new data becomes searchable; default 1s
 * @param commitInterval how often indexes are committed and the WAL trimmed; default 10s
 * @param partitionDuration the time window of one partition; default 24h
 * @param walSegmentSize bytes per write-ahead log segment; default 64 MiB
 * @param retention how long, or how much, data is kept
 * @param limits caps on what one record may put into the index
 * @param backpressure when writes are refused (retryable) instead of filling memory or disk
 * @param query what queries may do
 * @param patterns log pattern mining at ingest (docs/adr/0016)
 * @param multitenancy data kept apart per tenant ({@code X-Scope-OrgID}), with per-tenant limits
 *     (docs/adr/0022)
 */
public record StoreConfig(
    String path,
    Durability durability,
    Duration refreshInterval,
    Duration commitInterval,
    Duration partitionDuration,
    long walSegmentSize,
    Retention retention,
    Limits limits,
    Backpressure backpressure,
    Query query,
    Patterns patterns,
    Multitenancy multitenancy)
    implements ComponentConfig {

  /** As the canonical constructor, single-tenant. */
  public StoreConfig(
      String path,
      Durability durability,
      Duration refreshInterval,
      Duration commitInterval,
      Duration partitionDuration,
      long walSegmentSize,
      Retention retention,
      Limits limits,
      Backpressure backpressure,
      Query query,
      Patterns patterns) {
    this(
        path,
        durability,
        refreshInterval,
        commitInterval,
        partitionDuration,
        walSegmentSize,
        retention,
        limits,
        backpressure,
        query,
        patterns,
        Multitenancy.OFF);
  }

  /** This configuration for a store in {@code directory}. */
  public StoreConfig at(java.nio.file.Path directory) {
    return new StoreConfig(
        directory.toString(),
        durability,
        refreshInterval,
        commitInterval,
        partitionDuration,
        walSegmentSize,
        retention,
        limits,
        backpressure,
        query,
        patterns,
        multitenancy);
  }

  /**
   * Tenants (docs/adr/0022), as Grafana Mimir, Loki and Tempo keep them: each tenant's data in its
   * own store ({@code <path>/tenants/<id>/}; the default tenant's at {@code <path>} itself, so a
   * single-tenant store becomes the default tenant's), every read of one tenant's.
   *
   * @param enabled keep data per tenant; default false (one store for everything, {@code
   *     X-Scope-OrgID} ignored)
   * @param defaultTenant the tenant of data and reads that name none; empty (the default) refuses
   *     them
   * @param limits what each tenant may send
   * @param overrides other limits for some tenants, by tenant id; what they leave out is {@code
   *     limits}'
   * @param maxTenants tenants with a store of their own at most (each has a WAL and an indexer);
   *     data of one more is refused (400); default 100
   */
  public record Multitenancy(
      boolean enabled,
      String defaultTenant,
      TenantLimits limits,
      java.util.Map<String, TenantLimits> overrides,
      Integer maxTenants) {
    public static final Multitenancy OFF =
        new Multitenancy(false, "", TenantLimits.NONE, java.util.Map.of(), 100);

    public Multitenancy {
      maxTenants = maxTenants == null ? 100 : maxTenants;
      defaultTenant = defaultTenant == null ? "" : defaultTenant;
      limits = limits == null ? TenantLimits.NONE : limits;
      overrides = overrides == null ? java.util.Map.of() : java.util.Map.copyOf(overrides);
    }

    /** The limits of {@code tenant}: its override, what that leaves out from {@code limits}. */
    public TenantLimits limitsOf(String tenant) {
      TenantLimits override = overrides.get(tenant);
      return override == null ? limits : override.over(limits);
    }

    void validate() {
      if (!defaultTenant.isEmpty()) {
        check("multitenancy.default_tenant", defaultTenant);
      }
      limits.validate("multitenancy.limits.");
      if (maxTenants < 1) {
        throw new InvalidConfigException("multitenancy.max_tenants", "must be at least 1");
      }
      overrides.forEach(
          (tenant, override) -> {
            check("multitenancy.overrides", tenant);
            override.validate("multitenancy.overrides." + tenant + ".");
          });
    }

    private static void check(String key, String tenant) {
      try {
        dev.spyglass.pipeline.Tenants.check(tenant);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(key, "'" + tenant + "': " + e.getMessage());
      }
    }
  }

  /**
   * What one tenant may send, as Mimir's and Loki's per-tenant limits; unset (or 0) is unlimited.
   * Over a rate, a request is refused with 429 / {@code RESOURCE_EXHAUSTED} and told when to retry;
   * over a size limit, with 400 / {@code INVALID_ARGUMENT}.
   *
   * @param ingestionRate records (log records, spans, data points) per second
   * @param ingestionBurstSize records one burst may hold; default the rate (one second's worth)
   * @param ingestionBytesRate request bytes (OTLP protobuf size) per second
   * @param ingestionBurstBytes bytes one burst may hold; default the bytes rate
   * @param maxAttributesPerRecord attributes one record may carry
   * @param maxFields distinct attribute names a tenant's records of one signal may have (as {@code
   *     /api/v1/fields} lists them, resource attributes included)
   */
  public record TenantLimits(
      Double ingestionRate,
      Long ingestionBurstSize,
      Double ingestionBytesRate,
      Long ingestionBurstBytes,
      Integer maxAttributesPerRecord,
      Integer maxFields) {
    public static final TenantLimits NONE = new TenantLimits(null, null, null, null, null, null);

    /** These limits, with what they leave unset taken from {@code base}. */
    TenantLimits over(TenantLimits base) {
      return new TenantLimits(
          ingestionRate != null ? ingestionRate : base.ingestionRate,
          ingestionBurstSize != null ? ingestionBurstSize : base.ingestionBurstSize,
          ingestionBytesRate != null ? ingestionBytesRate : base.ingestionBytesRate,
          ingestionBurstBytes != null ? ingestionBurstBytes : base.ingestionBurstBytes,
          maxAttributesPerRecord != null ? maxAttributesPerRecord : base.maxAttributesPerRecord,
          maxFields != null ? maxFields : base.maxFields);
    }

    double recordsPerSecond() {
      return ingestionRate == null ? 0 : ingestionRate;
    }

    long recordsBurst() {
      return ingestionBurstSize != null && ingestionBurstSize > 0
          ? ingestionBurstSize
          : (long) Math.ceil(recordsPerSecond());
    }

    double bytesPerSecond() {
      return ingestionBytesRate == null ? 0 : ingestionBytesRate;
    }

    long bytesBurst() {
      return ingestionBurstBytes != null && ingestionBurstBytes > 0
          ? ingestionBurstBytes
          : (long) Math.ceil(bytesPerSecond());
    }

    int attributesPerRecord() {
      return maxAttributesPerRecord == null ? 0 : maxAttributesPerRecord;
    }

    int fields() {
      return maxFields == null ? 0 : maxFields;
    }

    void validate(String prefix) {
      if (recordsPerSecond() < 0 || recordsBurst() < 0) {
        throw new InvalidConfigException(prefix + "ingestion_rate", "must not be negative");
      }
      if (bytesPerSecond() < 0 || bytesBurst() < 0) {
        throw new InvalidConfigException(prefix + "ingestion_bytes_rate", "must not be negative");
      }
      if (attributesPerRecord() < 0) {
        throw new InvalidConfigException(
            prefix + "max_attributes_per_record", "must not be negative");
      }
      if (fields() < 0) {
        throw new InvalidConfigException(prefix + "max_fields", "must not be negative");
      }
    }
  }

  /** Whether acknowledgement waits for fsync. */
  public enum Durability {
    FSYNC,
    NONE
  }

  /**
   * @param maxAge partitions whose window ended longer ago are deleted; 0 keeps everything
   * @param maxSize the oldest partitions are deleted while the indexes exceed this many bytes; 0
   *     for no limit
   */
  public record Retention(Duration maxAge, long maxSize) {}

  /**
   * @param maxIndexedAttributes attributes indexed per record (and per resource); default 128
   * @param maxIndexedValueLength longer attribute values are not indexed; default 4096
   */
  public record Limits(int maxIndexedAttributes, int maxIndexedValueLength) {}

  /** The default attribute caps. */
  public static final Limits DEFAULT_LIMITS = new Limits(128, 4096);

  /**
   * @param maxIndexingLag bytes of acknowledged requests not yet indexed before writes are refused;
   *     default 256 MiB
   * @param minFreeDisk free bytes on the data volume under which writes are refused; default 512
   *     MiB
   */
  public record Backpressure(long maxIndexingLag, long minFreeDisk) {}

  /**
   * @param allowLeadingWildcard allow {@code *error}-style terms, which scan every term of a field;
   *     default false
   */
  public record Query(boolean allowLeadingWildcard) {
    /** Leading wildcards refused. */
    public static final Query DEFAULT = new Query(false);
  }

  /**
   * @param enabled give every log record a pattern as it is indexed; default true
   * @param maxPerService patterns kept per service, beyond which new kinds of messages share the
   *     service's overflow pattern; default 10000
   */
  public record Patterns(boolean enabled, int maxPerService) {
    public static final Patterns DEFAULT = new Patterns(true, 10_000);
  }

  /** The defaults described above. */
  public static StoreConfig defaults() {
    return new StoreConfig(
        "./spyglass-data",
        Durability.FSYNC,
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        Duration.ofHours(24),
        64L << 20,
        new Retention(Duration.ZERO, 0),
        DEFAULT_LIMITS,
        new Backpressure(256L << 20, 512L << 20),
        StoreConfig.Query.DEFAULT,
        Patterns.DEFAULT,
        Multitenancy.OFF);
  }

  @Override
  public void validate() {
    if (path == null || path.isBlank()) {
      throw new InvalidConfigException("path", "must name a directory");
    }
    positive("refresh_interval", refreshInterval);
    positive("commit_interval", commitInterval);
    if (partitionDuration.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new InvalidConfigException("partition_duration", "must be at least 1m");
    }
    if (walSegmentSize < (1 << 20)) {
      throw new InvalidConfigException("wal_segment_size", "must be at least 1048576 bytes");
    }
    if (retention.maxAge().isNegative()) {
      throw new InvalidConfigException("retention.max_age", "must not be negative");
    }
    if (retention.maxSize() < 0) {
      throw new InvalidConfigException("retention.max_size", "must not be negative");
    }
    if (limits.maxIndexedAttributes() < 0) {
      throw new InvalidConfigException("limits.max_indexed_attributes", "must not be negative");
    }
    if (limits.maxIndexedValueLength() < 1 || limits.maxIndexedValueLength() > 8000) {
      throw new InvalidConfigException(
          "limits.max_indexed_value_length", "must be between 1 and 8000");
    }
    if (patterns.maxPerService() < 1 || patterns.maxPerService() > 1_000_000) {
      throw new InvalidConfigException("patterns.max_per_service", "must be between 1 and 1000000");
    }
    if (backpressure.maxIndexingLag() < (1 << 20)) {
      throw new InvalidConfigException(
          "backpressure.max_indexing_lag", "must be at least 1048576 bytes");
    }
    (multitenancy == null ? Multitenancy.OFF : multitenancy).validate();
  }

  private static void positive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new InvalidConfigException(key, "must be positive");
    }
  }
}
