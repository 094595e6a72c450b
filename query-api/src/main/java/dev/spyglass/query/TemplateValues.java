package dev.spyglass.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values behind a template's wildcards in messages of its pattern. Templates are made of the
 * messages' whitespace-separated words, so word i of a message is an instance of word i of the
 * template: each template word with {@code <*>} becomes a small expression (its literal parts
 * quoted, each wildcard a group) applied to the message's word — linear in the message, whatever it
 * holds. Messages whose word count differs (a run of like values folded into one) are left out.
 */
final class TemplateValues {
  private static final String WILDCARD = "<*>";
  private static final int MAX_WORD = 1024;

  private final String[] words;
  private final Pattern[] captures;
  private final List<Map<String, Integer>> counts = new ArrayList<>();
  private int matched;

  TemplateValues(String template) {
    this.words = template.strip().split("\\s+");
    this.captures = new Pattern[words.length];
    for (int i = 0; i < words.length; i++) {
      if (words[i].contains(WILDCARD)) {
        captures[i] = capture(words[i]);
        counts.add(new LinkedHashMap<>());
      }
    }
  }

  private static Pattern capture(String word) {
    StringBuilder regex = new StringBuilder();
    String[] parts = word.split(Pattern.quote(WILDCARD), -1);
    if (parts.length > 5) {
      return Pattern.compile(".*", Pattern.DOTALL); // the whole word is the value
    }
    for (int p = 0; p < parts.length; p++) {
      regex.append(Pattern.quote(parts[p]));
      if (p < parts.length - 1) {
        regex.append(p == parts.length - 2 ? "(.*)" : "(.*?)");
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  /** Counts the values of one message; false if it does not fit the template word by word. */
  boolean add(String message) {
    if (counts.isEmpty()) {
      return false;
    }
    String[] given = message.strip().split("\\s+");
    if (given.length != words.length) {
      return false;
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < words.length; i++) {
      if (captures[i] == null) {
        if (!words[i].equals(given[i])) {
          return false;
        }
        continue;
      }
      if (given[i].length() > MAX_WORD) {
        return false;
      }
      Matcher m = captures[i].matcher(given[i]);
      if (!m.matches()) {
        return false;
      }
      // A word with several wildcards (<*>:<*>) is one value: the word's variable part.
      values.add(m.groupCount() == 1 ? m.group(1) : given[i]);
    }
    matched++;
    for (int w = 0; w < values.size(); w++) {
      counts.get(w).merge(values.get(w), 1, Integer::sum);
    }
    return true;
  }

  int matched() {
    return matched;
  }

  /** Per wildcard word, in template order, its {@code top} most frequent values. */
  List<List<Map.Entry<String, Integer>>> top(int top) {
    List<List<Map.Entry<String, Integer>>> out = new ArrayList<>();
    for (Map<String, Integer> values : counts) {
      out.add(
          values.entrySet().stream()
              .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
              .limit(top)
              .toList());
    }
    return out;
  }
}
