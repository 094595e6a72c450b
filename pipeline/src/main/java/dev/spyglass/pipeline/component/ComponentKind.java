package dev.spyglass.pipeline.component;

import java.util.Locale;

/** The kinds of component, named as the top-level sections of a configuration file. */
public enum ComponentKind {
  RECEIVER,
  PROCESSOR,
  EXPORTER,
  EXTENSION,
  CONNECTOR;

  /** {@code receiver}, {@code processor}, {@code exporter} or {@code extension}. */
  public String singular() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The configuration section: {@code receivers}, {@code processors}, … */
  public String section() {
    return singular() + "s";
  }
}
