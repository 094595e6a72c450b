package dev.spyglass.server.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A configuration that cannot be used, with where and why: the file, the line and column, the path
 * in the document ({@code service.pipelines.traces.receivers[0]}) and what was expected.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final int column;
  private final String path;
  private final String problem;

  /**
   * @param source the file name, or {@code <default>} for the built-in configuration
   * @param line 1-based; 0 when unknown
   * @param column 1-based; 0 when unknown
   * @param path the document path of the offending value; empty for the document as a whole
   * @param problem what is wrong and what was expected
   */
  ConfigException(String source, int line, int column, String path, String problem) {
    super(format(source, line, column, path, problem));
    this.source = requireNonNull(source);
    this.line = line;
    this.column = column;
    this.path = requireNonNull(path);
    this.problem = requireNonNull(problem);
  }

  /** The file name, or {@code <default>}. */
  public String source() {
    return source;
  }

  /** The 1-based line of the offending value; 0 when unknown. */
  public int line() {
    return line;
  }

  /** The 1-based column of the offending value; 0 when unknown. */
  public int column() {
    return column;
  }

  /** The document path, e.g. {@code receivers.otlp.protocols.grpc.endpoint}. */
  public String path() {
    return path;
  }

  /** What is wrong, without the location. */
  public String problem() {
    return problem;
  }

  /** Renders keys as {@code a.b} and list indices as {@code [i]}. */
  static String renderPath(List<?> path) {
    StringBuilder out = new StringBuilder();
    for (Object element : path) {
      if (element instanceof Integer index) {
        out.append('[').append(index).append(']');
      } else {
        if (!out.isEmpty()) {
          out.append('.');
        }
        out.append(element);
      }
    }
    return out.toString();
  }

  private static String format(String source, int line, int column, String path, String problem) {
    StringBuilder out = new StringBuilder(source);
    if (line > 0) {
      out.append(':').append(line).append(':').append(column);
    }
    out.append(": ");
    if (!path.isEmpty()) {
      out.append(path).append(": ");
    }
    return out.append(problem).toString();
  }
}
