package dev.spyglass.patterns;

/**
 * The fixed rule set that marks obvious variables inside a word before mining: runs of digits (with
 * a sign or decimals), IPv4 addresses, {@code 0x} hex, and hex strings of six or more digits that
 * mix letters and numbers. A run of digits glued to letters before it ({@code ssh2}, {@code u0}) is
 * part of a word, not a variable; {@code _}, {@code -}, {@code .}, {@code :}, {@code =} and other
 * punctuation separate runs, so {@code blk_-1234} becomes {@code blk_<*>} and {@code
 * 10.0.0.1:50010} becomes {@code <*>:<*>}.
 */
final class Masking {
  static final String WILDCARD = "<*>";

  /** Weekday and month names, as timestamps spell them. */
  private static final java.util.Set<String> DATE_WORDS =
      java.util.Set.of(
          "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

  private static final java.util.Set<String> UNITS =
      java.util.Set.of(
          "B", "KB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB", "TiB", "bytes", "ns", "us", "µs",
          "ms", "s", "sec", "min", "h");

  private Masking() {}

  /** A unit of size or time, as written after a quantity ({@code 5.2 KB,}). */
  static boolean isUnit(String word) {
    int end = word.length();
    while (end > 0 && !Character.isLetter(word.charAt(end - 1))) {
      end--;
    }
    return end > 0 && UNITS.contains(word.substring(0, end));
  }

  /** {@code word} with its variable parts as {@link #WILDCARD}. */
  static String mask(String word) {
    StringBuilder out = new StringBuilder(word.length());
    mask(word, 0, word.length(), out);
    return out.toString();
  }

  /** Appends {@code text[from, to)}, one word, to {@code out} with its variable parts masked. */
  static void mask(String text, int from, int to, StringBuilder out) {
    if (plain(text, from, to)) {
      out.append(text, from, to);
      return;
    }
    int start = out.length();
    int i = from;
    while (i < to) {
      char c = text.charAt(i);
      if (!isAlnum(c)) {
        out.append(c);
        i++;
        continue;
      }
      int end = runEnd(text, i, to);
      boolean afterAlnum = i > from && isAlnum(text.charAt(i - 1));
      int ip = afterAlnum ? -1 : ipv4End(text, i, to);
      if (ip > 0) {
        out.append(WILDCARD);
        i = ip;
        continue;
      }
      boolean gluedToLetter = i > from && isLetter(text.charAt(i - 1));
      int units;
      if (!gluedToLetter && isNumber(text, i, end)) {
        end = decimalsEnd(text, end, to);
        // A sign right before the number, itself after punctuation or at the start.
        if (i > from
            && text.charAt(i - 1) == '-'
            && (i == from + 1 || !isAlnum(text.charAt(i - 2)))
            && out.length() > start
            && out.charAt(out.length() - 1) == '-') {
          out.setLength(out.length() - 1);
        }
        out.append(WILDCARD);
      } else if (end - i == 3 && DATE_WORDS.contains(text.substring(i, end))) {
        out.append(WILDCARD);
      } else if (!gluedToLetter && isHexId(text, i, end)) {
        out.append(WILDCARD);
      } else if (!gluedToLetter && (units = digitsThenLetters(text, i, end)) > 0) {
        // A quantity and its unit: 10000ms, 5s, 64MB.
        out.append(WILDCARD).append(text, units, end);
      } else {
        out.append(text, i, end);
      }
      i = end;
    }
  }

  /**
   * No digits, and no run of three letters that starts with a capital (the shape of a weekday or
   * month name) — most words of most messages: nothing to mask.
   */
  private static boolean plain(String text, int from, int to) {
    boolean dateShaped = false;
    int run = 0;
    boolean capital = false;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (isDigit(c)) {
        return false;
      }
      if (isLetter(c)) {
        if (run == 0) {
          capital = c <= 'Z';
        }
        run++;
      } else {
        dateShaped |= run == 3 && capital;
        run = 0;
      }
    }
    dateShaped |= run == 3 && capital;
    return !dateShaped || !hasDateWord(text, from, to);
  }

  /** Whether a run of exactly three letters in the word is a weekday or month name. */
  private static boolean hasDateWord(String text, int from, int to) {
    int i = from;
    while (i < to) {
      if (isAlnum(text.charAt(i))) {
        int end = runEnd(text, i, to);
        if (end - i == 3 && DATE_WORDS.contains(text.substring(i, end))) {
          return true;
        }
        i = end;
      } else {
        i++;
      }
    }
    return false;
  }

  private static int runEnd(String text, int start, int to) {
    int i = start;
    while (i < to && isAlnum(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /** All digits, or {@code 0x} and hex digits. */
  private static boolean isNumber(String word, int start, int end) {
    if (end - start > 2
        && word.charAt(start) == '0'
        && (word.charAt(start + 1) == 'x' || word.charAt(start + 1) == 'X')) {
      for (int i = start + 2; i < end; i++) {
        if (Character.digit(word.charAt(i), 16) < 0) {
          return false;
        }
      }
      return true;
    }
    for (int i = start; i < end; i++) {
      if (!isDigit(word.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Where the letters start in a run of digits followed by letters only; -1 otherwise. */
  private static int digitsThenLetters(String word, int start, int end) {
    int i = start;
    while (i < end && isDigit(word.charAt(i))) {
      i++;
    }
    if (i == start || i == end) {
      return -1;
    }
    for (int j = i; j < end; j++) {
      if (!isLetter(word.charAt(j))) {
        return -1;
      }
    }
    return i;
  }

  /** Six or more hex digits of one case, with at least one digit and one letter. */
  private static boolean isHexId(String word, int start, int end) {
    if (end - start < 6) {
      return false;
    }
    boolean digits = false;
    boolean lower = false;
    boolean upper = false;
    for (int i = start; i < end; i++) {
      char c = word.charAt(i);
      if (isDigit(c)) {
        digits = true;
      } else if (c >= 'a' && c <= 'f') {
        lower = true;
      } else if (c >= 'A' && c <= 'F') {
        upper = true;
      } else {
        return false;
      }
    }
    return digits && (lower ^ upper);
  }

  /** Past {@code .digits} after a number ({@code 0.75}, not {@code 1.2.3.4}, handled as IPv4). */
  private static int decimalsEnd(String text, int end, int to) {
    if (end + 1 < to && text.charAt(end) == '.' && isDigit(text.charAt(end + 1))) {
      int i = end + 1;
      while (i < to && isDigit(text.charAt(i))) {
        i++;
      }
      if (i == to || !isAlnum(text.charAt(i))) {
        return i;
      }
    }
    return end;
  }

  /** The end of a dotted-quad IPv4 address starting at {@code start}, or -1. */
  private static int ipv4End(String text, int start, int to) {
    int i = start;
    for (int part = 0; part < 4; part++) {
      int digits = 0;
      while (i < to && isDigit(text.charAt(i)) && digits < 3) {
        i++;
        digits++;
      }
      if (digits == 0) {
        return -1;
      }
      if (part < 3) {
        if (i >= to || text.charAt(i) != '.') {
          return -1;
        }
        i++;
      }
    }
    return i < to && isAlnum(text.charAt(i)) ? -1 : i;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** Letters and digits; {@code _} separates, so that {@code blk_123} splits. */
  private static boolean isAlnum(char c) {
    return isDigit(c) || isLetter(c);
  }
}
