package dev.spyglass.receiver.redis;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code slaveN:ip=…,port=…,state=…,offset=…,lag=…} lines of {@code INFO replication}. */
final class Replicas {
  private Replicas() {}

  /** The replica lines by their index ({@code 0}, {@code 1}, …). */
  static Map<String, String> of(Info info) {
    Map<String, String> replicas = new LinkedHashMap<>();
    info.withPrefix("slave")
        .forEach(
            (index, value) -> {
              if (!index.isEmpty() && index.chars().allMatch(Character::isDigit)) {
                replicas.put(index, value);
              }
            });
    return replicas;
  }
}
