package dev.spyglass.bench.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Real system log lines from Loghub's 2k samples ({@code <dir>/<System>/<System>_2k.log_structured
 * .csv}): each row's Content as the body, its Level as the severity, the system as the service.
 */
public final class LoghubCorpus {

  /** One log line. */
  public record Line(
      String service, String component, String severityText, int severityNumber, String body) {}

  private final List<Line> lines;

  private LoghubCorpus(List<Line> lines) {
    this.lines = List.copyOf(lines);
  }

  /** Reads every system under {@code dir}. */
  public static LoghubCorpus read(Path dir) {
    List<Line> lines = new ArrayList<>();
    try (Stream<Path> systems = Files.list(dir)) {
      for (Path system : systems.filter(Files::isDirectory).sorted().toList()) {
        Path csv = system.resolve(system.getFileName() + "_2k.log_structured.csv");
        if (Files.isReadable(csv)) {
          readCsv(system.getFileName().toString(), csv, lines);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Loghub corpus in " + dir, e);
    }
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("no *_2k.log_structured.csv files under " + dir);
    }
    return new LoghubCorpus(lines);
  }

  public List<Line> lines() {
    return lines;
  }

  /** Raw bytes of every body, the "record size" a user would quote. */
  public double meanBodyBytes() {
    return lines.stream()
        .mapToInt(l -> l.body().getBytes(StandardCharsets.UTF_8).length)
        .average()
        .orElse(0);
  }

  private static void readCsv(String service, Path csv, List<Line> out) throws IOException {
    List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
    List<String> header = Csv.split(rows.getFirst());
    int level = header.indexOf("Level");
    int component = header.indexOf("Component");
    int content = header.indexOf("Content");
    if (content < 0) {
      throw new IOException(csv + ": no Content column");
    }
    for (String row : rows.subList(1, rows.size())) {
      if (row.isBlank()) {
        continue;
      }
      List<String> fields = Csv.split(row);
      if (fields.size() <= content) {
        continue;
      }
      String levelText = level >= 0 && level < fields.size() ? fields.get(level) : "";
      Severity severity = Severity.of(levelText);
      out.add(
          new Line(
              service,
              component >= 0 && component < fields.size() ? fields.get(component) : "",
              severity.text(),
              severity.number(),
              fields.get(content)));
    }
  }

  /** OTel severity from the many spellings in the corpus; unknown levels are unspecified. */
  record Severity(String text, int number) {
    static Severity of(String level) {
      return switch (level.trim().toUpperCase(Locale.ROOT)) {
        case "TRACE", "V" -> new Severity("TRACE", 1);
        case "DEBUG", "D" -> new Severity("DEBUG", 5);
        case "INFO", "I", "NOTICE" -> new Severity("INFO", 9);
        case "WARN", "WARNING", "W" -> new Severity("WARN", 13);
        case "ERROR", "E" -> new Severity("ERROR", 17);
        case "FATAL", "F", "CRITICAL" -> new Severity("FATAL", 21);
        default -> new Severity("", 0);
      };
    }
  }
}
