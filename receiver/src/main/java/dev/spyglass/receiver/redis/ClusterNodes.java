package dev.spyglass.receiver.redis;

import dev.spyglass.receiver.redis.RedisReceiverConfig.Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The reply of {@code CLUSTER NODES}: one line per node the answering node knows. */
final class ClusterNodes {
  private ClusterNodes() {}

  /**
   * One node.
   *
   * @param shard the id of the primary whose slots it serves (its own id for a primary)
   * @param slots the slot ranges a primary serves, e.g. {@code 0-5460}
   */
  record ClusterNode(
      String id, Optional<Address> address, Set<String> flags, String shard, List<String> slots) {
    boolean myself() {
      return flags.contains("myself");
    }

    boolean primary() {
      return flags.contains("master");
    }
  }

  static List<ClusterNode> parse(String reply) {
    List<ClusterNode> nodes = new ArrayList<>();
    for (String line : reply.split("\r?\n")) {
      String[] fields = line.trim().split(" ");
      if (fields.length < 8) {
        continue;
      }
      Set<String> flags = Set.of(fields[2].split(","));
      String primaryId = fields[3];
      String shard = primaryId.equals("-") ? fields[0] : primaryId;
      nodes.add(
          new ClusterNode(
              fields[0],
              address(fields[1], flags),
              flags,
              shard,
              List.copyOf(Arrays.asList(fields).subList(8, fields.length))));
    }
    return nodes;
  }

  /** {@code ip:port@cport[,hostname]}; none for a node without an address or in handshake. */
  private static Optional<Address> address(String field, Set<String> flags) {
    if (flags.contains("noaddr") || flags.contains("handshake")) {
      return Optional.empty();
    }
    String hostPort = field.split("@")[0];
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Address(
              hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
