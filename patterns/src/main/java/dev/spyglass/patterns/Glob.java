package dev.spyglass.patterns;

/** Template words with {@code <*>} inside them ({@code rhost=<*>}, {@code '/udev/<*>'}). */
final class Glob {
  private Glob() {}

  /** Whether {@code word} is an instance of {@code template}: each {@code <*>} any run. */
  static boolean matches(String template, String word) {
    if (template.equals(word) || template.equals(Masking.WILDCARD)) {
      return true;
    }
    int first = template.indexOf(Masking.WILDCARD);
    if (first < 0) {
      return false;
    }
    if (!word.startsWith(template.substring(0, first))) {
      return false;
    }
    int at = first;
    int from = first;
    while (true) {
      int start = at + Masking.WILDCARD.length();
      int next = template.indexOf(Masking.WILDCARD, start);
      if (next < 0) {
        String suffix = template.substring(start);
        return word.length() - suffix.length() >= from && word.endsWith(suffix);
      }
      int found = word.indexOf(template.substring(start, next), from);
      if (found < 0) {
        return false;
      }
      from = found + (next - start);
      at = next;
    }
  }

  /**
   * The narrowest template word both are instances of: what they share before and after a point
   * where they differ, cut at punctuation, around one {@code <*>} — {@code rhost=1.2.3.4} and
   * {@code rhost=host.example} give {@code rhost=<*>}.
   */
  static String generalise(String a, String b) {
    if (a.equals(b)) {
      return a;
    }
    if (matches(a, b)) {
      return a;
    }
    if (matches(b, a)) {
      return b;
    }
    int prefix = 0;
    int max = Math.min(a.length(), b.length());
    while (prefix < max && a.charAt(prefix) == b.charAt(prefix)) {
      prefix++;
    }
    while (prefix > 0 && Character.isLetterOrDigit(a.charAt(prefix - 1))) {
      prefix--;
    }
    int suffix = 0;
    while (suffix < max - prefix
        && a.charAt(a.length() - 1 - suffix) == b.charAt(b.length() - 1 - suffix)) {
      suffix++;
    }
    while (suffix > 0 && Character.isLetterOrDigit(a.charAt(a.length() - suffix))) {
      suffix--;
    }
    String head = a.substring(0, prefix);
    String tail = a.substring(a.length() - suffix);
    // A wildcard already at the edge of what is shared takes the difference in.
    if (head.endsWith(Masking.WILDCARD)) {
      head = head.substring(0, head.length() - Masking.WILDCARD.length());
    }
    if (tail.startsWith(Masking.WILDCARD)) {
      tail = tail.substring(Masking.WILDCARD.length());
    }
    return head + Masking.WILDCARD + tail;
  }
}
