package dev.spyglass.patterns;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The patterns of one service's log messages, mined online (docs/adr/0016).
 *
 * <ol>
 *   <li>A message is split into words at whitespace; each word's obvious variables are masked
 *       ({@link Masking}); a run of like masked words ({@code blk_<*> blk_<*>}) is one.
 *   <li>Messages with the same masked words share a <em>cluster</em>; a new one first tries the
 *       patterns with wildcards of its length.
 *   <li>Clusters that differ in one word only (never the first, the message's event name) become
 *       one pattern with a wildcard there once {@link #DISTINCT_WORDS} different words have been
 *       seen at that place — two, if one of them already holds a variable, is a path, or is a unit
 *       after a quantity. A pattern with a wildcard absorbs the patterns it generalises.
 * </ol>
 *
 * Merged clusters keep their ids and resolve to the pattern they are now part of.
 */
final class Miner {
  /** Different words at one place that make it a variable: fewer are taken for constants. */
  static final int DISTINCT_WORDS = 4;

  /** Words of a message that are mined; the rest are one variable. */
  static final int MAX_WORDS = 128;

  /** Message shapes remembered for exact lookup, beyond the clusters' own. */
  private static final int MAX_CACHED_SHAPES = 100_000;

  private static final class Cluster {
    final int id;
    final String key;
    String[] words;
    final String[] separators;
    long count;

    /** The earliest timestamp of a message it was given (Unix ns; Long.MAX_VALUE: none). */
    long firstSeen = Long.MAX_VALUE;

    int parent;
    String template;

    /** Held by a pattern's root: every cluster now part of it. */
    List<Integer> members;

    Cluster(int id, String key, String[] words, String[] separators) {
      this.id = id;
      this.key = key;
      this.words = words;
      this.separators = separators;
      this.parent = id;
      this.members = new ArrayList<>(List.of(id));
    }
  }

  /** A message as mined: its masked words and the whitespace around them. */
  record Shape(String key, String[] words, String[] separators) {}

  private final int maxClusters;
  private final List<Cluster> clusters = new ArrayList<>();
  private final Map<String, Integer> exact = new HashMap<>();
  private final Map<String, Set<Integer>> siblings = new HashMap<>();

  /** Clusters with a wildcard, by length and first word (see {@link #bucket}). */
  private final Map<String, List<Integer>> withWildcards = new HashMap<>();

  /** Every cluster, by length and first word. */
  private final Map<String, List<Integer>> byFirstWord = new HashMap<>();

  /** Every cluster, by length. */
  private final Map<Integer, List<Integer>> byLength = new HashMap<>();

  Miner(int maxClusters) {
    this.maxClusters = maxClusters;
  }

  /** The cluster {@code message} belongs to, created if new; -1 when the cap is reached. */
  int assign(String message) {
    return assign(message, Long.MAX_VALUE);
  }

  /** As {@link #assign(String)}, for a message with this timestamp (Unix ns). */
  int assign(String message, long timestampNanos) {
    StringBuilder scanned = new StringBuilder(message.length() + 16);
    scan(message, scanned, null, null);
    Integer known = exact.get(scanned.toString());
    int id;
    if (known != null) {
      id = known;
    } else {
      Shape shape = shape(message);
      Cluster general = general(shape.words());
      if (general != null) {
        id = general.id;
        cache(shape.key(), id);
      } else if (clusters.size() >= maxClusters) {
        return -1;
      } else {
        id = create(shape);
      }
    }
    root(id).count++;
    Cluster given = clusters.get(id);
    given.firstSeen = Math.min(given.firstSeen, timestampNanos);
    return id;
  }

  /** The cluster {@code message} would join, without mining it; -1 for a new kind of message. */
  int peek(String message) {
    StringBuilder scanned = new StringBuilder(message.length() + 16);
    scan(message, scanned, null, null);
    Integer known = exact.get(scanned.toString());
    if (known != null) {
      return known;
    }
    Cluster general = general(shape(message).words());
    return general == null ? -1 : general.id;
  }

  /** The pattern cluster {@code id} is now part of. */
  int resolve(int id) {
    return root(id).id;
  }

  /** Every cluster id whose pattern is now {@code root}'s, in the order they were made. */
  List<Integer> members(int root) {
    return root(root).members.stream().sorted().toList();
  }

  String key(int id) {
    return clusters.get(id).key;
  }

  int size() {
    return clusters.size();
  }

  /** The earliest timestamp of any message of cluster {@code id}'s pattern now. */
  long firstSeen(int id) {
    long first = Long.MAX_VALUE;
    for (int member : root(id).members) {
      first = Math.min(first, clusters.get(member).firstSeen);
    }
    return first;
  }

  long count(int id) {
    return root(id).count;
  }

  /** The template of cluster {@code id}'s pattern, variable parts as {@code <*>}. */
  String template(int id) {
    Cluster c = root(id);
    if (c.template == null) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < c.words.length; i++) {
        out.append(c.separators[i]).append(c.words[i]);
      }
      out.append(c.separators[c.words.length]);
      c.template = out.toString().strip();
    }
    return c.template;
  }

  /** The words of cluster {@code id}'s pattern. */
  String[] words(int id) {
    return root(id).words.clone();
  }

  static Shape shape(String message) {
    StringBuilder key = new StringBuilder(message.length() + 16);
    List<String> words = new ArrayList<>();
    List<String> separators = new ArrayList<>();
    scan(message, key, words, separators);
    return new Shape(
        key.toString(), words.toArray(String[]::new), separators.toArray(String[]::new));
  }

  /**
   * Appends {@code message}'s masked words to {@code key}, separated by U+0001, and if asked adds
   * each word and the whitespace before it (and after the last) to {@code words} and {@code
   * separators}. One pass, no copies of unmasked words: the path every message takes.
   */
  private static void scan(
      String message, StringBuilder key, List<String> words, List<String> separators) {
    int n = message.length();
    int i = 0;
    int count = 0;
    int lastStart = -1;
    int lastEnd = -1;
    int separatorStart = 0;
    while (i < n) {
      while (i < n && isSpace(message.charAt(i))) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int start = i;
      while (i < n && !isSpace(message.charAt(i))) {
        i++;
      }
      int mark = key.length();
      if (count > 0) {
        key.append('\u0001');
      }
      int wordStart = key.length();
      if (count == MAX_WORDS - 1) {
        // The rest is one variable: a message cannot make mining cost more than MAX_WORDS words.
        key.append(Masking.WILDCARD);
      } else {
        Masking.mask(message, start, i, key);
      }
      int wordEnd = key.length();
      // A list of like values (blk_1 blk_2 blk_3) is one variable.
      if (lastStart >= 0 && sameRun(key, lastStart, lastEnd, wordStart, wordEnd)) {
        key.setLength(mark);
        continue;
      }
      if (words != null) {
        separators.add(message.substring(separatorStart, start));
        words.add(key.substring(wordStart, wordEnd));
      }
      separatorStart = i;
      lastStart = wordStart;
      lastEnd = wordEnd;
      count++;
      if (count == MAX_WORDS) {
        separatorStart = n;
        break;
      }
    }
    if (separators != null) {
      separators.add(message.substring(Math.min(separatorStart, n), n));
    }
  }

  private static boolean isSpace(char c) {
    return c <= ' '
        ? c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B
        : c >= 0x80 && Character.isWhitespace(c);
  }

  /** Whether two masked words in {@code key} are the same and hold a wildcard and a letter. */
  private static boolean sameRun(StringBuilder key, int aStart, int aEnd, int bStart, int bEnd) {
    if (aEnd - aStart != bEnd - bStart) {
      return false;
    }
    boolean wildcard = false;
    boolean letter = false;
    for (int k = 0; k < aEnd - aStart; k++) {
      char c = key.charAt(aStart + k);
      if (c != key.charAt(bStart + k)) {
        return false;
      }
      wildcard |= c == '<' && k + 2 < aEnd - aStart && key.charAt(aStart + k + 1) == '*';
      letter |= Character.isLetter(c);
    }
    return wildcard && letter;
  }

  private int create(Shape shape) {
    Cluster cluster =
        new Cluster(clusters.size(), shape.key(), shape.words().clone(), shape.separators());
    clusters.add(cluster);
    exact.put(shape.key(), cluster.id);
    byLength.computeIfAbsent(cluster.words.length, k -> new ArrayList<>()).add(cluster.id);
    byFirstWord.computeIfAbsent(bucket(cluster.words), k -> new ArrayList<>()).add(cluster.id);
    if (shape.key().contains(Masking.WILDCARD)) {
      withWildcards.computeIfAbsent(bucket(cluster.words), k -> new ArrayList<>()).add(cluster.id);
      absorb(cluster);
    }
    index(root(cluster.id));
    return cluster.id;
  }

  private void cache(String key, int id) {
    if (exact.size() >= clusters.size() + MAX_CACHED_SHAPES) {
      exact.clear();
      for (Cluster c : clusters) {
        exact.put(c.key, c.id);
      }
    }
    exact.put(key, id);
  }

  /** The first pattern with wildcards that {@code words} are an instance of. */
  private Cluster general(String[] words) {
    Cluster found = firstMatch(withWildcards.get(bucket(words)), words);
    if (found == null && words.length > 0 && !words[0].contains(Masking.WILDCARD)) {
      found = firstMatch(withWildcards.get(words.length + WILDCARD_FIRST), words);
    }
    return found;
  }

  private Cluster firstMatch(List<Integer> candidates, String[] words) {
    if (candidates == null) {
      return null;
    }
    for (int id : candidates) {
      Cluster c = clusters.get(id);
      if (c.parent == c.id && matches(c.words, words)) {
        return c;
      }
    }
    return null;
  }

  private static final String WILDCARD_FIRST = "\u0001\u0002";

  /**
   * Where a pattern of these words is looked for: its length and first word, or its length alone
   * ({@link #WILDCARD_FIRST}) when the first word holds a wildcard — a message can only be an
   * instance of a pattern with its own first word or a wildcard in it, so lookups scan few.
   */
  private static String bucket(String[] words) {
    return words.length == 0 || words[0].contains(Masking.WILDCARD)
        ? words.length + WILDCARD_FIRST
        : words.length + "\u0001" + words[0];
  }

  private static boolean matches(String[] template, String[] words) {
    for (int i = 0; i < words.length; i++) {
      if (!Glob.matches(template[i], words[i])) {
        return false;
      }
    }
    return true;
  }

  /** Registers {@code c} with its siblings at each place, merging where a variable shows. */
  private void index(Cluster c) {
    for (int p = 1; p < c.words.length; p++) {
      if (c.words[p].equals(Masking.WILDCARD)) {
        continue;
      }
      Set<Integer> group =
          siblings.computeIfAbsent(siblingKey(c.words, p), k -> new LinkedHashSet<>());
      group.add(c.id);
      Set<Integer> roots = new LinkedHashSet<>();
      for (int id : group) {
        roots.add(root(id).id);
      }
      Set<String> values = new LinkedHashSet<>();
      boolean variable = false;
      for (int id : roots) {
        String[] words = clusters.get(id).words;
        values.add(words[p]);
        variable |= looksVariable(words[p], words[p - 1]);
      }
      if (values.size() >= (variable ? 2 : DISTINCT_WORDS)) {
        Cluster into = mergeAll(roots);
        absorb(into);
        index(root(into.id));
        return;
      }
    }
  }

  private static boolean looksVariable(String word, String before) {
    return word.contains(Masking.WILDCARD)
        || word.indexOf('/') >= 0
        || (Masking.isUnit(word) && before.endsWith(Masking.WILDCARD));
  }

  /** Merges into {@code c} every other pattern it generalises: alike wherever both have words. */
  private void absorb(Cluster c) {
    Set<Integer> compatible = new LinkedHashSet<>();
    compatible.add(c.id);
    List<Integer> candidates =
        c.words.length > 0 && !c.words[0].contains(Masking.WILDCARD)
            ? concat(
                byFirstWord.get(bucket(c.words)), byFirstWord.get(c.words.length + WILDCARD_FIRST))
            : byLength.get(c.words.length);
    for (int id : candidates) {
      Cluster other = root(id);
      if (!compatible.contains(other.id) && unifies(c.words, other.words)) {
        compatible.add(other.id);
      }
    }
    if (compatible.size() > 1) {
      mergeAll(compatible);
    }
  }

  private static List<Integer> concat(List<Integer> a, List<Integer> b) {
    List<Integer> all = new ArrayList<>();
    if (a != null) {
      all.addAll(a);
    }
    if (b != null) {
      all.addAll(b);
    }
    return all;
  }

  private static boolean unifies(String[] a, String[] b) {
    for (int i = 0; i < a.length; i++) {
      if (!Glob.matches(a[i], b[i]) && !Glob.matches(b[i], a[i])) {
        return false;
      }
    }
    return true;
  }

  private Cluster mergeAll(Set<Integer> roots) {
    Cluster into = null;
    for (int id : roots) {
      Cluster c = clusters.get(id);
      if (into == null) {
        into = c;
        continue;
      }
      for (int i = 0; i < into.words.length; i++) {
        into.words[i] = Glob.generalise(into.words[i], c.words[i]);
      }
      into.count += c.count;
      into.members.addAll(c.members);
      c.members = null;
      c.parent = into.id;
    }
    into.template = null;
    // Merging may have put a wildcard into its first word: it is then looked for there too.
    for (Map<String, List<Integer>> index : List.of(withWildcards, byFirstWord)) {
      List<Integer> list = index.computeIfAbsent(bucket(into.words), k -> new ArrayList<>());
      if (!list.contains(into.id)) {
        list.add(into.id);
      }
    }
    return into;
  }

  private Cluster root(int id) {
    Cluster c = clusters.get(id);
    while (c.parent != c.id) {
      Cluster parent = clusters.get(c.parent);
      c.parent = parent.parent;
      c = parent;
    }
    return c;
  }

  private static String siblingKey(String[] words, int position) {
    StringBuilder key = new StringBuilder().append(position);
    for (int i = 0; i < words.length; i++) {
      key.append('\u0001');
      if (i != position) {
        key.append(words[i]);
      }
    }
    return key.toString();
  }

  /** Writes everything mining needs to go on as if it had never stopped. */
  void write(DataOutput out) throws IOException {
    out.writeInt(clusters.size());
    for (Cluster c : clusters) {
      writeString(out, c.key);
      writeStrings(out, c.words);
      writeStrings(out, c.separators);
      out.writeLong(c.count);
      out.writeLong(c.firstSeen);
      out.writeInt(c.parent);
    }
    out.writeInt(siblings.size());
    for (Map.Entry<String, Set<Integer>> group : siblings.entrySet()) {
      writeString(out, group.getKey());
      writeInts(out, group.getValue());
    }
    writeBuckets(out, withWildcards);
    writeBuckets(out, byFirstWord);
    writeLists(out, byLength);
  }

  static Miner read(DataInput in, int maxClusters) throws IOException {
    Miner miner = new Miner(maxClusters);
    int count = in.readInt();
    for (int id = 0; id < count; id++) {
      String key = readString(in);
      Cluster c = new Cluster(id, key, readStrings(in), readStrings(in));
      c.count = in.readLong();
      c.firstSeen = in.readLong();
      c.parent = in.readInt();
      miner.clusters.add(c);
      miner.exact.put(key, id);
    }
    int groups = in.readInt();
    for (int i = 0; i < groups; i++) {
      String key = readString(in);
      miner.siblings.put(key, new LinkedHashSet<>(readInts(in)));
    }
    readBuckets(in, miner.withWildcards);
    readBuckets(in, miner.byFirstWord);
    readLists(in, miner.byLength);
    for (Cluster c : miner.clusters) {
      c.members = c.parent == c.id ? new ArrayList<>() : null;
    }
    for (Cluster c : miner.clusters) {
      miner.root(c.id).members.add(c.id);
    }
    return miner;
  }

  private static void writeString(DataOutput out, String s) throws IOException {
    byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readString(DataInput in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void writeStrings(DataOutput out, String[] strings) throws IOException {
    out.writeInt(strings.length);
    for (String s : strings) {
      writeString(out, s);
    }
  }

  private static String[] readStrings(DataInput in) throws IOException {
    String[] strings = new String[in.readInt()];
    for (int i = 0; i < strings.length; i++) {
      strings[i] = readString(in);
    }
    return strings;
  }

  private static void writeInts(DataOutput out, java.util.Collection<Integer> ints)
      throws IOException {
    out.writeInt(ints.size());
    for (int i : ints) {
      out.writeInt(i);
    }
  }

  private static List<Integer> readInts(DataInput in) throws IOException {
    int n = in.readInt();
    List<Integer> ints = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ints.add(in.readInt());
    }
    return ints;
  }

  private static void writeLists(DataOutput out, Map<Integer, List<Integer>> lists)
      throws IOException {
    out.writeInt(lists.size());
    for (Map.Entry<Integer, List<Integer>> list : lists.entrySet()) {
      out.writeInt(list.getKey());
      writeInts(out, list.getValue());
    }
  }

  private static void writeBuckets(DataOutput out, Map<String, List<Integer>> buckets)
      throws IOException {
    out.writeInt(buckets.size());
    for (Map.Entry<String, List<Integer>> bucket : buckets.entrySet()) {
      writeString(out, bucket.getKey());
      writeInts(out, bucket.getValue());
    }
  }

  private static void readBuckets(DataInput in, Map<String, List<Integer>> into)
      throws IOException {
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      String key = readString(in);
      into.put(key, readInts(in));
    }
  }

  private static void readLists(DataInput in, Map<Integer, List<Integer>> into) throws IOException {
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      int key = in.readInt();
      into.put(key, readInts(in));
    }
  }
}
