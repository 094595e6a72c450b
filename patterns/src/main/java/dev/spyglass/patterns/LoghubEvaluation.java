package dev.spyglass.patterns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Grouping accuracy (GA, Zhu et al., "Tools and Benchmarks for Automated Log Parsing", ICSE-SEIP
 * 2019), its F1 (FGA) and parsing accuracy (PA, both from Jiang et al., "A Large-Scale Evaluation
 * for Log Parsing Techniques: How Far Are We?", ISSTA 2024 — Loghub-2.0) of {@link Patterns} on a
 * Loghub {@code *_structured.csv}: the {@code Content} column mined in order as one service, each
 * line's final pattern compared with {@code EventId} and {@code EventTemplate}.
 */
public final class LoghubEvaluation {
  /** The 8 Loghub systems this project measures on. */
  public static final List<String> SYSTEMS =
      List.of("Android", "Apache", "HDFS", "HealthApp", "Linux", "OpenSSH", "Spark", "Zookeeper");

  /**
   * One system's scores.
   *
   * @param groups patterns found
   * @param truthGroups templates in the ground truth
   */
  public record Score(
      String system,
      int lines,
      double groupingAccuracy,
      double groupingF1,
      double parsingAccuracy,
      int groups,
      int truthGroups) {}

  private LoghubEvaluation() {}

  /** Scores {@code <dir>/<system>/<system>_2k.log_structured.csv}. */
  public static Score score(Path dir, String system) throws IOException {
    List<String[]> rows =
        csv(Files.readString(dir.resolve(system).resolve(system + "_2k.log_structured.csv")));
    List<String> header = Arrays.asList(rows.getFirst());
    int content = header.indexOf("Content");
    int event = header.indexOf("EventId");
    int template = header.indexOf("EventTemplate");
    if (content < 0 || event < 0 || template < 0) {
      throw new IOException(system + ": no Content, EventId and EventTemplate columns");
    }
    Patterns patterns = new Patterns();
    List<String> given = new ArrayList<>();
    for (String[] row : rows.subList(1, rows.size())) {
      given.add(patterns.assign(system, row[content]).id());
    }
    Map<String, Patterns.Pattern> now = new HashMap<>();
    for (Patterns.Pattern pattern : patterns.all()) {
      for (String id : pattern.ids()) {
        now.put(id, pattern);
      }
    }
    int lines = given.size();
    Map<String, Integer> truthSizes = new HashMap<>();
    Map<String, List<Integer>> predicted = new LinkedHashMap<>();
    int parsedRight = 0;
    for (int i = 0; i < lines; i++) {
      String[] row = rows.get(i + 1);
      truthSizes.merge(row[event], 1, Integer::sum);
      Patterns.Pattern pattern = now.get(given.get(i));
      predicted.computeIfAbsent(pattern.id(), k -> new ArrayList<>()).add(i);
      if (pattern.template().equals(row[template])) {
        parsedRight++;
      }
    }
    int groupedRight = 0;
    int rightGroups = 0;
    for (List<Integer> members : predicted.values()) {
      Set<String> truths = new HashSet<>();
      for (int i : members) {
        truths.add(rows.get(i + 1)[event]);
      }
      if (truths.size() == 1 && truthSizes.get(truths.iterator().next()) == members.size()) {
        groupedRight += members.size();
        rightGroups++;
      }
    }
    double precision = rightGroups / (double) predicted.size();
    double recall = rightGroups / (double) truthSizes.size();
    return new Score(
        system,
        lines,
        groupedRight / (double) lines,
        precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall),
        parsedRight / (double) lines,
        predicted.size(),
        truthSizes.size());
  }

  /** RFC 4180 rows: quoted fields may hold commas, quotes ({@code ""}) and newlines. */
  public static List<String[]> csv(String text) {
    List<String[]> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c != '"') {
          field.append(c);
        } else if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\n') {
        row.add(field.toString());
        field.setLength(0);
        rows.add(row.toArray(String[]::new));
        row = new ArrayList<>();
      } else if (c != '\r') {
        field.append(c);
      }
    }
    if (field.length() > 0 || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row.toArray(String[]::new));
    }
    return rows;
  }

  /** The table docs/BENCHMARKS.md shows: one row per system and the mean. */
  public static String table(List<Score> scores) {
    StringBuilder out = new StringBuilder();
    out.append("| system | lines | templates | patterns | GA | FGA | PA |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|\n");
    double ga = 0;
    double fga = 0;
    double pa = 0;
    for (Score s : scores) {
      out.append(
          String.format(
              "| %s | %d | %d | %d | %.3f | %.3f | %.3f |%n",
              s.system(),
              s.lines(),
              s.truthGroups(),
              s.groups(),
              s.groupingAccuracy(),
              s.groupingF1(),
              s.parsingAccuracy()));
      ga += s.groupingAccuracy();
      fga += s.groupingF1();
      pa += s.parsingAccuracy();
    }
    int n = scores.size();
    out.append(
        String.format(
            "| **mean** | | | | **%.3f** | **%.3f** | **%.3f** |%n", ga / n, fga / n, pa / n));
    return out.toString();
  }
}
