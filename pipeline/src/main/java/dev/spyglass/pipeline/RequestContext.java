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
 * @param tenant whose data this is ({@code X-Scope-OrgID}, checked by {@link Tenants#check}); empty
 *     when the request named none
 */
public record RequestContext(
    Optional<InetSocketAddress> clientAddress,
    Map<String, List<String>> headers,
    Optional<String> principal,
    Optional<String> tenant) {

  /** The context of data that did not arrive over a request (scrapers, tests). */
  public static final RequestContext EMPTY =
      new RequestContext(Optional.empty(), Map.of(), Optional.empty(), Optional.empty());

  public RequestContext {
    requireNonNull(clientAddress, "clientAddress");
    requireNonNull(principal, "principal");
    requireNonNull(tenant, "tenant");
    headers = Map.copyOf(requireNonNull(headers, "headers"));
  }

  /** Without a tenant. */
  public RequestContext(
      Optional<InetSocketAddress> clientAddress,
      Map<String, List<String>> headers,
      Optional<String> principal) {
    this(clientAddress, headers, principal, Optional.empty());
  }

  /** The context of data made here (merged batches, derived metrics) for {@code tenant}'s data. */
  public static RequestContext ofTenant(Optional<String> tenant) {
    return tenant.isEmpty()
        ? EMPTY
        : new RequestContext(Optional.empty(), Map.of(), Optional.empty(), tenant);
  }
}
