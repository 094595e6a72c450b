package dev.spyglass.pipeline.component;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * A {@code host:port} to listen on or connect to, as written in configuration: {@code
 * 127.0.0.1:4317}, {@code localhost:8686}, {@code [::1]:4318}, or {@code :4317} for every
 * interface.
 *
 * @param host a name or address; empty means every interface
 * @param port 0 to 65535; 0 picks a free port when listening
 */
public record Endpoint(String host, int port) {

  public Endpoint {
    requireNonNull(host, "host");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
  }

  /** Parses {@code host:port}; throws {@link IllegalArgumentException} saying what is wrong. */
  public static Endpoint parse(String text) {
    requireNonNull(text, "text");
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an endpoint: expected host:port, e.g. 127.0.0.1:4317");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an endpoint: write an IPv6 host in brackets, e.g. [::1]:4317");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an endpoint: the port must be a number between 0 and 65535");
    }
    return new Endpoint(host, port);
  }

  /** The socket address to bind or connect to (unresolved names are resolved now). */
  public InetSocketAddress socketAddress() {
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
