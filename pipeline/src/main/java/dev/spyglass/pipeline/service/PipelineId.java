package dev.spyglass.pipeline.service;

import static java.util.Objects.requireNonNull;

import dev.spyglass.pipeline.Signal;

/**
 * A pipeline's id as written under {@code service.pipelines}: its signal, optionally followed by
 * {@code /} and a name ({@code logs}, {@code logs/audit}).
 *
 * @param signal the signal the pipeline carries
 * @param name the pipeline's name; empty for the bare signal
 */
public record PipelineId(Signal signal, String name) {

  public PipelineId {
    requireNonNull(signal, "signal");
    requireNonNull(name, "name");
  }

  /** Parses {@code signal} or {@code signal/name}. */
  public static PipelineId parse(String id) {
    int slash = id.indexOf('/');
    String signalName = slash < 0 ? id : id.substring(0, slash);
    String name = slash < 0 ? "" : id.substring(slash + 1);
    Signal signal =
        Signal.fromConfigName(signalName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "invalid pipeline id '"
                            + id
                            + "': expected traces, metrics or logs, optionally followed by"
                            + " /name"));
    if (slash >= 0 && name.isBlank()) {
      throw new IllegalArgumentException("invalid pipeline id '" + id + "': empty name after '/'");
    }
    return new PipelineId(signal, name);
  }

  @Override
  public String toString() {
    return name.isEmpty() ? signal.configName() : signal.configName() + "/" + name;
  }
}
