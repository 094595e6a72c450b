package dev.spyglass.server;

import dev.spyglass.exporter.filestorage.FileStorageFactory;
import dev.spyglass.exporter.otlp.OtlpExporterFactory;
import dev.spyglass.exporter.otlp.OtlpHttpExporterFactory;
import dev.spyglass.pipeline.service.Factories;
import dev.spyglass.processor.attributes.AttributesProcessorFactory;
import dev.spyglass.processor.attributes.ResourceProcessorFactory;
import dev.spyglass.processor.batch.BatchProcessorFactory;
import dev.spyglass.processor.filter.FilterProcessorFactory;
import dev.spyglass.processor.memorylimiter.MemoryLimiterFactory;
import dev.spyglass.processor.redaction.RedactionProcessorFactory;
import dev.spyglass.processor.resourcedetection.ResourceDetectionFactory;
import dev.spyglass.processor.sampling.ProbabilisticSamplerFactory;
import dev.spyglass.processor.spanmetrics.SpanMetricsConnectorFactory;
import dev.spyglass.processor.tailsampling.TailSamplingFactory;
import dev.spyglass.receiver.otlp.OtlpReceiverFactory;
import dev.spyglass.receiver.redis.RedisReceiverFactory;
import dev.spyglass.server.alerts.AlertsExtensionFactory;
import dev.spyglass.server.api.ApiExtensionFactory;
import dev.spyglass.server.debug.DebugExporterFactory;
import dev.spyglass.server.telemetry.SelfTelemetry;
import dev.spyglass.storage.embedded.SpyglassExporterFactory;
import dev.spyglass.storage.opensearch.OpenSearchExporterFactory;
import java.util.Optional;

/** The one place that lists every component type Spyglass ships. */
public final class ComponentRegistry {
  private ComponentRegistry() {}

  /** Every built-in receiver, processor, exporter and extension factory. */
  public static Factories factories() {
    return register(Factories.builder()).build();
  }

  /** Every built-in factory, the API serving {@code selfTelemetry} at /metrics. */
  public static Factories factories(SelfTelemetry selfTelemetry) {
    return register(Factories.builder(), Optional.of(selfTelemetry)).build();
  }

  /** Adds every built-in factory to {@code builder} (tests add their own beside them). */
  public static Factories.Builder register(Factories.Builder builder) {
    return register(builder, Optional.empty());
  }

  private static Factories.Builder register(
      Factories.Builder builder, Optional<SelfTelemetry> selfTelemetry) {
    return builder
        .receiver(new OtlpReceiverFactory())
        .receiver(new RedisReceiverFactory())
        .exporter(new DebugExporterFactory())
        .exporter(new SpyglassExporterFactory())
        .exporter(new OpenSearchExporterFactory())
        .exporter(new OtlpExporterFactory())
        .exporter(new OtlpHttpExporterFactory())
        .processor(new MemoryLimiterFactory())
        .processor(new BatchProcessorFactory())
        .processor(new AttributesProcessorFactory())
        .processor(new ResourceProcessorFactory())
        .processor(new RedactionProcessorFactory())
        .processor(new ProbabilisticSamplerFactory())
        .processor(new ResourceDetectionFactory())
        .processor(new FilterProcessorFactory())
        .processor(new TailSamplingFactory())
        .connector(new SpanMetricsConnectorFactory())
        .extension(new ApiExtensionFactory(selfTelemetry))
        .extension(new FileStorageFactory())
        .extension(new AlertsExtensionFactory());
  }
}
