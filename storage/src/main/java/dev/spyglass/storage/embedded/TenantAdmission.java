package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.Logs;
import dev.spyglass.pipeline.Metrics;
import dev.spyglass.pipeline.PermanentException;
import dev.spyglass.pipeline.RetryableException;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.pipeline.Telemetry;
import dev.spyglass.pipeline.Traces;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Whether one tenant's batch may be stored under its {@link StoreConfig.TenantLimits}: the record
 * and byte rates (token buckets: 429 with the wait), attributes per record and distinct attribute
 * names (400: sending it again cannot help).
 */
final class TenantAdmission {
  private final String tenant;
  private final StoreConfig.TenantLimits limits;
  private final TokenBucket records;
  private final TokenBucket bytes;
  private final Map<Signal, Set<String>> fields = new EnumMap<>(Signal.class);

  TenantAdmission(String tenant, StoreConfig.TenantLimits limits, LongSupplier nanoTime) {
    this.tenant = tenant;
    this.limits = limits;
    this.records =
        limits.recordsPerSecond() > 0
            ? new TokenBucket(limits.recordsPerSecond(), limits.recordsBurst(), nanoTime)
            : null;
    this.bytes =
        limits.bytesPerSecond() > 0
            ? new TokenBucket(limits.bytesPerSecond(), limits.bytesBurst(), nanoTime)
            : null;
    for (Signal signal : Signal.values()) {
      fields.put(signal, new HashSet<>());
    }
  }

  /** Fields the tenant's store holds already (at open), so that a restart does not reset them. */
  synchronized void known(Signal signal, Iterable<String> names) {
    for (String name : names) {
      if (name.startsWith("attributes.") || name.startsWith("resource.")) {
        fields.get(signal).add(name);
      }
    }
  }

  /** Takes the batch's share of the rates, or throws why it may not be stored. */
  void admit(Telemetry batch) {
    long count = batch.itemCount();
    long size = batch.request().getSerializedSize();
    checkShape(batch);
    if (records != null && !records.fits(count)) {
      throw new PermanentException(
          "tenant "
              + tenant
              + ": a request of "
              + count
              + " records is over its burst of "
              + limits.recordsBurst()
              + " (multitenancy limits ingestion_burst_size); send smaller batches");
    }
    if (bytes != null && !bytes.fits(size)) {
      throw new PermanentException(
          "tenant "
              + tenant
              + ": a request of "
              + size
              + " bytes is over its burst of "
              + limits.bytesBurst()
              + " bytes (ingestion_burst_bytes); send smaller batches");
    }
    Duration wait = records == null ? Duration.ZERO : records.take(count);
    if (!wait.isZero()) {
      throw throttled("records", limits.recordsPerSecond(), "records/s", wait);
    }
    wait = bytes == null ? Duration.ZERO : bytes.take(size);
    if (!wait.isZero()) {
      if (records != null) {
        records.giveBack(count);
      }
      throw throttled("bytes", limits.bytesPerSecond(), "bytes/s", wait);
    }
  }

  private RetryableException throttled(String what, double rate, String unit, Duration wait) {
    return RetryableException.throttled(
        "tenant "
            + tenant
            + " is over its ingest limit of "
            + (long) rate
            + " "
            + unit
            + " ("
            + what
            + "); retry after "
            + Math.max(1, wait.toMillis())
            + " ms",
        wait);
  }

  /** Attributes per record and distinct attribute names; new names are remembered if admitted. */
  private void checkShape(Telemetry batch) {
    int maxAttributes = limits.attributesPerRecord();
    int maxFields = limits.fields();
    if (maxAttributes == 0 && maxFields == 0) {
      return;
    }
    List<String> names = new ArrayList<>();
    int[] widest = {0};
    forEachAttributeList(
        batch,
        (prefix, attributes) -> {
          if (prefix.equals("attributes.")) {
            widest[0] = Math.max(widest[0], attributes.size());
          }
          if (maxFields > 0) {
            for (KeyValue attribute : attributes) {
              names.add(prefix + attribute.getKey());
            }
          }
        });
    if (maxAttributes > 0 && widest[0] > maxAttributes) {
      throw new PermanentException(
          "tenant "
              + tenant
              + ": a record has "
              + widest[0]
              + " attributes, over its limit of "
              + maxAttributes
              + " (max_attributes_per_record)");
    }
    if (maxFields > 0) {
      synchronized (this) {
        Set<String> known = fields.get(batch.signal());
        Set<String> added = new HashSet<>();
        for (String name : names) {
          if (!known.contains(name)) {
            added.add(name);
          }
        }
        if (known.size() + added.size() > maxFields) {
          throw new PermanentException(
              "tenant "
                  + tenant
                  + ": the request brings "
                  + added.size()
                  + " new attribute names to the "
                  + known.size()
                  + " its "
                  + batch.signal().configName()
                  + " have, over its limit of "
                  + maxFields
                  + " (max_fields)");
        }
        known.addAll(added);
      }
    }
  }

  private interface AttributeLists {
    void accept(String prefix, List<KeyValue> attributes);
  }

  private static void forEachAttributeList(Telemetry batch, AttributeLists visit) {
    Consumer<Resource> resource = r -> visit.accept("resource.", r.getAttributesList());
    switch (batch) {
      case Logs logs -> {
        for (ResourceLogs rl : logs.request().getResourceLogsList()) {
          resource.accept(rl.getResource());
          for (ScopeLogs sl : rl.getScopeLogsList()) {
            for (LogRecord record : sl.getLogRecordsList()) {
              visit.accept("attributes.", record.getAttributesList());
            }
          }
        }
      }
      case Traces traces -> {
        for (ResourceSpans rs : traces.request().getResourceSpansList()) {
          resource.accept(rs.getResource());
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            for (Span span : ss.getSpansList()) {
              visit.accept("attributes.", span.getAttributesList());
            }
          }
        }
      }
      case Metrics metrics -> {
        for (ResourceMetrics rm : metrics.request().getResourceMetricsList()) {
          resource.accept(rm.getResource());
          for (ScopeMetrics sm : rm.getScopeMetricsList()) {
            for (Metric metric : sm.getMetricsList()) {
              points(metric, attributes -> visit.accept("attributes.", attributes));
            }
          }
        }
      }
    }
  }

  private static void points(Metric metric, Consumer<List<KeyValue>> visit) {
    switch (metric.getDataCase()) {
      case GAUGE ->
          metric.getGauge().getDataPointsList().forEach(p -> visit.accept(p.getAttributesList()));
      case SUM ->
          metric.getSum().getDataPointsList().forEach(p -> visit.accept(p.getAttributesList()));
      case HISTOGRAM ->
          metric
              .getHistogram()
              .getDataPointsList()
              .forEach(p -> visit.accept(p.getAttributesList()));
      case EXPONENTIAL_HISTOGRAM ->
          metric
              .getExponentialHistogram()
              .getDataPointsList()
              .forEach(p -> visit.accept(p.getAttributesList()));
      case SUMMARY ->
          metric.getSummary().getDataPointsList().forEach(p -> visit.accept(p.getAttributesList()));
      case DATA_NOT_SET -> {}
    }
  }
}
