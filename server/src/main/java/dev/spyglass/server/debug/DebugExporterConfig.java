package dev.spyglass.server.debug;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;

/**
 * Configuration of the {@code debug} exporter, as the Collector's.
 *
 * @param verbosity {@code basic} (a line per batch, the default), {@code normal} (a line per
 *     record) or {@code detailed} (every field of every record)
 * @param samplingInitial how many batches are logged each second before sampling starts; default 2
 * @param samplingThereafter after that, one batch in this many is logged; default 1 (all)
 */
public record DebugExporterConfig(Verbosity verbosity, int samplingInitial, int samplingThereafter)
    implements ComponentConfig {

  /** How much the exporter writes. */
  public enum Verbosity {
    BASIC,
    NORMAL,
    DETAILED
  }

  @Override
  public void validate() {
    if (samplingInitial < 0) {
      throw new InvalidConfigException("sampling_initial", "must be 0 or more");
    }
    if (samplingThereafter < 1) {
      throw new InvalidConfigException("sampling_thereafter", "must be 1 or more");
    }
  }
}
