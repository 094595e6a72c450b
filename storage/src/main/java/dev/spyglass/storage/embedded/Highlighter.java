package dev.spyglass.storage.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

/**
 * Marks the terms a query matched in a field's text with {@code <em>…</em>}, as Elasticsearch does,
 * analysing the text with the index's own analyzer so what is marked is what matched.
 */
final class Highlighter {
  private static final Analyzer ANALYZER = Partition.analyzer();
  private static final int MAX_LENGTH = 10_000;

  private Highlighter() {}

  /** {@code text} of {@code field} with matched terms wrapped; null when nothing matched. */
  static String highlight(String field, String text, Set<String> terms) {
    if (terms.isEmpty() || text.isEmpty()) {
      return null;
    }
    String head = text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) : text;
    StringBuilder out = new StringBuilder(head.length() + 32);
    int last = 0;
    boolean marked = false;
    try (TokenStream tokens = ANALYZER.tokenStream(field, head)) {
      CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = tokens.addAttribute(OffsetAttribute.class);
      tokens.reset();
      while (tokens.incrementToken()) {
        if (terms.contains(term.toString())) {
          out.append(head, last, offset.startOffset())
              .append("<em>")
              .append(head, offset.startOffset(), offset.endOffset())
              .append("</em>");
          last = offset.endOffset();
          marked = true;
        }
      }
      tokens.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return marked ? out.append(head, last, head.length()).toString() : null;
  }
}
