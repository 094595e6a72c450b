package dev.spyglass.server;

import dev.spyglass.patterns.Patterns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spyglass patterns FILE [--format csv|templates]}: the store's pattern miner over a plain
 * file, one message per line. {@code csv} prints {@code LineId,ClusterId,EventTemplate} (Loghub's
 * columns, each line's final pattern); {@code templates} each pattern once with its count, most
 * frequent first.
 */
@Command(
    name = "patterns",
    description = "Mine the log patterns of a file, one message per line, and print them.")
final class PatternsCommand implements Callable<Integer> {
  enum Format {
    csv,
    templates
  }

  @Spec private CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "A text file, one log message per line.")
  private Path file;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "csv (LineId,ClusterId,EventTemplate; the default) or templates.")
  private Format format = Format.csv;

  @Override
  public Integer call() {
    Patterns patterns = new Patterns();
    List<String> given = new ArrayList<>();
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
      String line;
      while ((line = lines.readLine()) != null) {
        given.add(patterns.assign("file", line).id());
      }
    } catch (NoSuchFileException e) {
      return fail("no such file: " + file);
    } catch (IOException e) {
      return fail("cannot read " + file + ": " + e.getMessage());
    }
    Map<String, Patterns.Pattern> now = new HashMap<>();
    List<Patterns.Pattern> all = patterns.all();
    for (Patterns.Pattern pattern : all) {
      pattern.ids().forEach(id -> now.put(id, pattern));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.csv) {
      out.println("LineId,ClusterId,EventTemplate");
      for (int i = 0; i < given.size(); i++) {
        Patterns.Pattern pattern = now.get(given.get(i));
        out.println((i + 1) + "," + pattern.id() + "," + quote(pattern.template()));
      }
    } else {
      out.println("ClusterId,Count,EventTemplate");
      all.stream()
          .sorted(Comparator.comparingLong(Patterns.Pattern::count).reversed())
          .forEach(p -> out.println(p.id() + "," + p.count() + "," + quote(p.template())));
    }
    out.flush();
    return 0;
  }

  private int fail(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("spyglass patterns: " + message);
    err.flush();
    return Main.CONFIG_ERROR;
  }

  /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
  static String quote(String field) {
    if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }
}
