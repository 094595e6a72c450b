package dev.spyglass.bench.data;

import com.google.protobuf.Message;

/** Makes OTLP requests of one signal; one instance per client thread (not thread-safe). */
public interface Generator {

  /** The next request, with about {@code records} log records, spans or data points. */
  Message next(int records);
}
