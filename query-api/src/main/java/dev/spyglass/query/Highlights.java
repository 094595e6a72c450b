package dev.spyglass.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

/** Marks the body terms a query matched with {@code <em>…</em>}, as Elasticsearch does. */
final class Highlights {
  private static final Analyzer BODY = new StandardAnalyzer();
  private static final int MAX_LENGTH = 10_000;

  private Highlights() {}

  /** {@code body} with matched terms wrapped; null when nothing matched. */
  static String highlight(String body, Set<String> terms) {
    if (terms.isEmpty() || body.isEmpty()) {
      return null;
    }
    String text = body.length() > MAX_LENGTH ? body.substring(0, MAX_LENGTH) : body;
    StringBuilder out = new StringBuilder(text.length() + 32);
    int last = 0;
    try (TokenStream tokens = BODY.tokenStream("body", text)) {
      CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = tokens.addAttribute(OffsetAttribute.class);
      tokens.reset();
      while (tokens.incrementToken()) {
        if (terms.contains(term.toString())) {
          out.append(text, last, offset.startOffset())
              .append("<em>")
              .append(text, offset.startOffset(), offset.endOffset())
              .append("</em>");
          last = offset.endOffset();
        }
      }
      tokens.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (last == 0) {
      return null;
    }
    return out.append(text, last, text.length()).toString();
  }
}
