package dev.spyglass.pipeline;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a batch came from: the client's address, the request headers a receiver chose to keep
 * (lower-case names), and the authenticated principal.
 *
 * @param clientAddress the peer's socket address; empty for data a receiver produced itself (a
 *     scraper)
 * @param headers selected request headers, names lower-case; never null
 * @param principal the authenticated caller; empty when the receiver does not authenticate
 */
public record RequestContext(
    Optional<InetSocketAddress> clientAddress,
    Map<String, List<String>> headers,
    Optional<String> principal) {

  /** The context of data that did not arrive over a request (scrapers, tests). */
  public static final RequestContext EMPTY =
      new RequestContext(Optional.empty(), Map.of(), Optional.empty());

  public RequestContext {
    requireNonNull(clientAddress, "clientAddress");
    requireNonNull(principal, "principal");
    headers = Map.copyOf(requireNonNull(headers, "headers"));
  }
}
