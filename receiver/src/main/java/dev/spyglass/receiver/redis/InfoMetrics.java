package dev.spyglass.receiver.redis;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * Turns {@code INFO all} into metrics named, typed and unitted as the Collector's {@code
 * redisreceiver} (its default and optional metrics), plus {@code redis.keyspace.hit_ratio}, per
 * replica lag and persistence status (see docs/cache-monitoring.md).
 */
final class InfoMetrics {
  private InfoMetrics() {}

  static void add(Info info, MetricSet out) {
    clients(info, out);
    memory(info, out);
    stats(info, out);
    cpu(info, out);
    keyspace(info, out);
    commands(info, out);
    replication(info, out);
    persistence(info, out);
  }

  /** {@code CLUSTER INFO}: the cluster as this node sees it. */
  static void addCluster(Info cluster, MetricSet out) {
    cluster
        .string("cluster_state")
        .ifPresent(s -> out.gaugeInt("redis.cluster.state_ok", "1", s.equals("ok") ? 1 : 0));
    cluster
        .number("cluster_slots_assigned")
        .ifPresent(v -> out.gaugeInt("redis.cluster.slots", "{slot}", v, "state", "assigned"));
    cluster
        .number("cluster_slots_ok")
        .ifPresent(v -> out.gaugeInt("redis.cluster.slots", "{slot}", v, "state", "ok"));
    cluster
        .number("cluster_slots_pfail")
        .ifPresent(v -> out.gaugeInt("redis.cluster.slots", "{slot}", v, "state", "pfail"));
    cluster
        .number("cluster_slots_fail")
        .ifPresent(v -> out.gaugeInt("redis.cluster.slots", "{slot}", v, "state", "fail"));
    cluster
        .number("cluster_known_nodes")
        .ifPresent(v -> out.gaugeInt("redis.cluster.known_nodes", "{node}", v));
    cluster.number("cluster_size").ifPresent(v -> out.gaugeInt("redis.cluster.size", "{shard}", v));
  }

  private static void clients(Info info, MetricSet out) {
    info.number("blocked_clients")
        .ifPresent(v -> out.sum("redis.clients.blocked", "{client}", false, true, v));
    info.number("connected_clients")
        .ifPresent(v -> out.sum("redis.clients.connected", "{client}", false, true, v));
    info.number("client_recent_max_input_buffer")
        .ifPresent(v -> out.gaugeInt("redis.clients.max_input_buffer", "By", v));
    info.number("client_recent_max_output_buffer")
        .ifPresent(v -> out.gaugeInt("redis.clients.max_output_buffer", "By", v));
  }

  private static void memory(Info info, MetricSet out) {
    info.number("used_memory").ifPresent(v -> out.gaugeInt("redis.memory.used", "By", v));
    info.number("used_memory_peak").ifPresent(v -> out.gaugeInt("redis.memory.peak", "By", v));
    info.number("used_memory_rss").ifPresent(v -> out.gaugeInt("redis.memory.rss", "By", v));
    info.number("used_memory_lua").ifPresent(v -> out.gaugeInt("redis.memory.lua", "By", v));
    info.number("mem_fragmentation_ratio")
        .ifPresent(v -> out.gauge("redis.memory.fragmentation_ratio", "1", v));
    info.number("maxmemory").ifPresent(v -> out.gaugeInt("redis.maxmemory", "By", v));
  }

  private static void stats(Info info, MetricSet out) {
    info.number("instantaneous_ops_per_sec")
        .ifPresent(v -> out.gaugeInt("redis.commands", "{ops}/s", v));
    info.number("total_commands_processed")
        .ifPresent(v -> out.sum("redis.commands.processed", "{command}", true, true, v));
    info.number("total_connections_received")
        .ifPresent(v -> out.sum("redis.connections.received", "{connection}", true, true, v));
    info.number("rejected_connections")
        .ifPresent(v -> out.sum("redis.connections.rejected", "{connection}", true, true, v));
    info.number("evicted_keys")
        .ifPresent(v -> out.sum("redis.keys.evicted", "{key}", true, true, v));
    info.number("expired_keys")
        .ifPresent(v -> out.sum("redis.keys.expired", "{event}", true, true, v));
    OptionalDouble hits = info.number("keyspace_hits");
    OptionalDouble misses = info.number("keyspace_misses");
    hits.ifPresent(v -> out.sum("redis.keyspace.hits", "{hit}", true, true, v));
    misses.ifPresent(v -> out.sum("redis.keyspace.misses", "{miss}", true, true, v));
    if (hits.isPresent() && misses.isPresent() && hits.getAsDouble() + misses.getAsDouble() > 0) {
      out.gauge(
          "redis.keyspace.hit_ratio",
          "1",
          hits.getAsDouble() / (hits.getAsDouble() + misses.getAsDouble()));
    }
    info.number("total_net_input_bytes")
        .ifPresent(v -> out.sum("redis.net.input", "By", true, true, v));
    info.number("total_net_output_bytes")
        .ifPresent(v -> out.sum("redis.net.output", "By", true, true, v));
    info.number("latest_fork_usec").ifPresent(v -> out.gauge("redis.latest_fork", "s", v / 1e6));
    info.number("uptime_in_seconds").ifPresent(v -> out.sum("redis.uptime", "s", true, true, v));
  }

  private static void cpu(Info info, MetricSet out) {
    for (String state :
        new String[] {
          "sys", "user", "sys_children", "user_children", "sys_main_thread", "user_main_thread"
        }) {
      info.number("used_cpu_" + state)
          .ifPresent(v -> out.sum("redis.cpu.time", "s", true, false, v, "state", state));
    }
  }

  private static void keyspace(Info info, MetricSet out) {
    info.withPrefix("db")
        .forEach(
            (db, value) -> {
              if (!db.chars().allMatch(Character::isDigit)) {
                return;
              }
              Map<String, String> fields = Info.fields(value);
              Info.numeric(fields.get("keys"))
                  .ifPresent(v -> out.gaugeInt("redis.db.keys", "{key}", v, "db", db));
              Info.numeric(fields.get("expires"))
                  .ifPresent(v -> out.gaugeInt("redis.db.expires", "{key}", v, "db", db));
              Info.numeric(fields.get("avg_ttl"))
                  .ifPresent(v -> out.gauge("redis.db.avg_ttl", "s", v / 1000, "db", db));
            });
  }

  private static void commands(Info info, MetricSet out) {
    info.withPrefix("cmdstat_")
        .forEach(
            (command, value) -> {
              Map<String, String> fields = Info.fields(value);
              Info.numeric(fields.get("calls"))
                  .ifPresent(
                      v -> out.sum("redis.cmd.calls", "{call}", true, true, v, "cmd", command));
              Info.numeric(fields.get("usec"))
                  .ifPresent(
                      v -> out.sum("redis.cmd.sec", "s", true, false, v / 1e6, "cmd", command));
            });
    info.withPrefix("latency_percentiles_usec_")
        .forEach(
            (command, value) ->
                Info.fields(value)
                    .forEach(
                        (percentile, micros) ->
                            Info.numeric(micros)
                                .ifPresent(
                                    v ->
                                        out.gauge(
                                            "redis.cmd.latency",
                                            "s",
                                            v / 1e6,
                                            "cmd",
                                            command,
                                            "percentile",
                                            percentile))));
  }

  private static void replication(Info info, MetricSet out) {
    info.string("role")
        .ifPresent(
            role ->
                out.sum(
                    "redis.role",
                    "{role}",
                    false,
                    true,
                    1,
                    "role",
                    role.equals("master") ? "primary" : "replica"));
    info.number("connected_slaves")
        .ifPresent(v -> out.sum("redis.slaves.connected", "{replica}", false, true, v));
    info.number("master_repl_offset")
        .ifPresent(v -> out.gaugeInt("redis.replication.offset", "By", v));
    info.number("repl_backlog_first_byte_offset")
        .ifPresent(v -> out.gaugeInt("redis.replication.backlog_first_byte_offset", "By", v));
    info.number("slave_repl_offset")
        .ifPresent(v -> out.gaugeInt("redis.replication.replica_offset", "By", v));
    for (Map.Entry<String, String> replica : Replicas.of(info).entrySet()) {
      Map<String, String> fields = Info.fields(replica.getValue());
      String address = fields.get("ip") + ":" + fields.get("port");
      Info.numeric(fields.get("lag"))
          .ifPresent(v -> out.gaugeInt("redis.replica.lag", "s", v, "replica", address));
      Info.numeric(fields.get("offset"))
          .ifPresent(v -> out.gaugeInt("redis.replica.offset", "By", v, "replica", address));
    }
    info.string("master_link_status")
        .ifPresent(s -> out.gaugeInt("redis.replication.link_up", "1", s.equals("up") ? 1 : 0));
  }

  private static void persistence(Info info, MetricSet out) {
    info.number("rdb_changes_since_last_save")
        .ifPresent(v -> out.sum("redis.rdb.changes_since_last_save", "{change}", false, true, v));
    info.string("rdb_last_bgsave_status")
        .ifPresent(s -> out.gaugeInt("redis.rdb.last_bgsave_ok", "1", s.equals("ok") ? 1 : 0));
    info.number("rdb_last_save_time")
        .ifPresent(v -> out.gaugeInt("redis.rdb.last_save_time", "s", v));
    info.number("aof_enabled").ifPresent(v -> out.gaugeInt("redis.aof.enabled", "1", v));
    info.string("aof_last_write_status")
        .ifPresent(s -> out.gaugeInt("redis.aof.last_write_ok", "1", s.equals("ok") ? 1 : 0));
  }
}
