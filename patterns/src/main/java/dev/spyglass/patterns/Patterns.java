package dev.spyglass.patterns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Log patterns per service (docs/adr/0016): every message gets a pattern id at once, stable for
 * good — the id of the cluster it joined, derived from the service and the cluster's first shape —
 * and that id resolves, now and later, to the pattern the cluster is part of after merges. Each
 * service holds at most {@code maxPerService} clusters; messages of new shapes beyond that share
 * the service's overflow pattern. Thread-safe.
 */
public final class Patterns {
  public static final int DEFAULT_MAX_PER_SERVICE = 10_000;
  public static final String OVERFLOW_TEMPLATE = "<overflow>";
  private static final int FORMAT = 2;

  /**
   * A message's pattern.
   *
   * @param id the pattern id it was given, for good (what the store indexes)
   * @param patternId the pattern that id is part of now (the same id until clusters merge)
   * @param template the pattern's template, variable parts as {@code <*>}
   */
  public record Match(String id, String patternId, String template) {}

  /**
   * A pattern now: its id, template, messages so far, and the ids that resolve to it.
   *
   * @param firstSeenNanos the earliest timestamp of its messages (Unix ns; Long.MAX_VALUE if none
   *     came with one)
   */
  public record Pattern(
      String id,
      String service,
      String template,
      long count,
      List<String> ids,
      long firstSeenNanos) {}

  private record Ref(String service, int cluster) {}

  private final int maxPerService;
  private final Map<String, Miner> miners = new HashMap<>();

  /** Each service's cluster ids, by cluster. */
  private final Map<String, List<String>> ids = new HashMap<>();

  private final Map<String, Ref> byId = new HashMap<>();
  private final Map<String, long[]> overflow = new TreeMap<>();

  public Patterns(int maxPerService) {
    if (maxPerService < 1) {
      throw new IllegalArgumentException("at least one pattern per service");
    }
    this.maxPerService = maxPerService;
  }

  public Patterns() {
    this(DEFAULT_MAX_PER_SERVICE);
  }

  /** Mines {@code message} of {@code service} and says which pattern it has. */
  public Match assign(String service, String message) {
    return assign(service, message, Long.MAX_VALUE);
  }

  /** As {@link #assign(String, String)}, for a message with this timestamp (Unix ns). */
  public synchronized Match assign(String service, String message, long timestampNanos) {
    Miner miner = miners.computeIfAbsent(service, s -> new Miner(maxPerService));
    int before = miner.size();
    int cluster = miner.assign(message, timestampNanos);
    if (cluster < 0) {
      overflow.computeIfAbsent(service, s -> new long[1])[0]++;
      String id = overflowId(service);
      return new Match(id, id, OVERFLOW_TEMPLATE);
    }
    List<String> clusterIds = ids.computeIfAbsent(service, s -> new ArrayList<>());
    for (int added = before; added < miner.size(); added++) {
      String id = id(service, miner.key(added));
      clusterIds.add(id);
      byId.put(id, new Ref(service, added));
    }
    return new Match(
        clusterIds.get(cluster), clusterIds.get(miner.resolve(cluster)), miner.template(cluster));
  }

  /**
   * The pattern {@code message} would get, without mining it (nothing changes): empty for a kind of
   * message not seen yet.
   */
  public synchronized Optional<Match> peek(String service, String message) {
    Miner miner = miners.get(service);
    int cluster = miner == null ? -1 : miner.peek(message);
    if (cluster < 0) {
      return Optional.empty();
    }
    List<String> clusterIds = ids.get(service);
    return Optional.of(
        new Match(
            clusterIds.get(cluster),
            clusterIds.get(miner.resolve(cluster)),
            miner.template(cluster)));
  }

  /** The pattern {@code id} is part of now; empty for an id never given. */
  public synchronized Optional<Pattern> resolve(String id) {
    Ref ref = byId.get(id);
    if (ref == null) {
      for (Map.Entry<String, long[]> over : overflow.entrySet()) {
        if (overflowId(over.getKey()).equals(id)) {
          return Optional.of(
              new Pattern(
                  id,
                  over.getKey(),
                  OVERFLOW_TEMPLATE,
                  over.getValue()[0],
                  List.of(id),
                  Long.MAX_VALUE));
        }
      }
      return Optional.empty();
    }
    return Optional.of(pattern(ref.service(), miners.get(ref.service()).resolve(ref.cluster())));
  }

  /** Every pattern now, by service, then in the order they were first seen. */
  public synchronized List<Pattern> all() {
    List<Pattern> all = new ArrayList<>();
    for (Map.Entry<String, Miner> service : new TreeMap<>(miners).entrySet()) {
      Miner miner = service.getValue();
      for (int cluster = 0; cluster < miner.size(); cluster++) {
        if (miner.resolve(cluster) == cluster) {
          all.add(pattern(service.getKey(), cluster));
        }
      }
      long[] over = overflow.get(service.getKey());
      if (over != null) {
        String id = overflowId(service.getKey());
        all.add(
            new Pattern(
                id, service.getKey(), OVERFLOW_TEMPLATE, over[0], List.of(id), Long.MAX_VALUE));
      }
    }
    return all;
  }

  private Pattern pattern(String service, int root) {
    Miner miner = miners.get(service);
    List<String> clusterIds = ids.get(service);
    List<String> members = new ArrayList<>();
    for (int member : miner.members(root)) {
      members.add(clusterIds.get(member));
    }
    return new Pattern(
        clusterIds.get(root),
        service,
        miner.template(root),
        miner.count(root),
        members,
        miner.firstSeen(root));
  }

  /** 16 hex digits from the service and the cluster's first shape: the same on every rebuild. */
  static String id(String service, String key) {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < service.length(); i++) {
      hash = (hash ^ service.charAt(i)) * 0x100000001b3L;
    }
    hash = (hash ^ 0) * 0x100000001b3L;
    for (int i = 0; i < key.length(); i++) {
      hash = (hash ^ key.charAt(i)) * 0x100000001b3L;
    }
    return String.format("%016x", hash);
  }

  private static String overflowId(String service) {
    return id(service, "\u0000overflow");
  }

  /** Writes the whole state; {@link #read} continues from it as if never stopped. */
  public synchronized void write(OutputStream stream) throws IOException {
    DataOutputStream out = new DataOutputStream(stream);
    out.writeInt(FORMAT);
    out.writeInt(maxPerService);
    out.writeInt(miners.size());
    for (Map.Entry<String, Miner> service : new TreeMap<>(miners).entrySet()) {
      out.writeUTF(service.getKey());
      long[] over = overflow.get(service.getKey());
      out.writeLong(over == null ? 0 : over[0]);
      service.getValue().write(out);
    }
    out.flush();
  }

  public static Patterns read(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    int format = in.readInt();
    if (format != FORMAT) {
      throw new IOException("unknown patterns format " + format);
    }
    Patterns patterns = new Patterns(in.readInt());
    int services = in.readInt();
    for (int i = 0; i < services; i++) {
      String service = in.readUTF();
      long over = in.readLong();
      if (over > 0) {
        patterns.overflow.put(service, new long[] {over});
      }
      Miner miner = Miner.read(in, patterns.maxPerService);
      patterns.miners.put(service, miner);
      List<String> clusterIds = new ArrayList<>();
      for (int cluster = 0; cluster < miner.size(); cluster++) {
        String id = id(service, miner.key(cluster));
        clusterIds.add(id);
        patterns.byId.put(id, new Ref(service, cluster));
      }
      patterns.ids.put(service, clusterIds);
    }
    return patterns;
  }
}
