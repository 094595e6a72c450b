package dev.spyglass.query.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Alert state across restarts: every rule's instances (with their pending and firing times, and
 * when each was last sent) and what each webhook was last told, in one JSON file replaced
 * atomically (written beside, fsynced, renamed). An unreadable file is moved aside and reported;
 * alerts then start afresh, as Prometheus does without its restored state.
 */
final class StateFile {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

  /** The saved form of one instance. */
  record SavedAlert(
      Map<String, String> labels,
      Map<String, String> annotations,
      String state,
      Double value,
      long activeAt,
      long firedAt,
      long resolvedAt,
      long lastSentAt,
      long keepFiringSince,
      long validUntil) {

    static SavedAlert of(Alert alert) {
      return new SavedAlert(
          alert.labels.map(),
          alert.annotations,
          alert.state.name(),
          Double.isNaN(alert.value) ? null : alert.value, // a no-data instance has no value
          alert.activeAtNanos,
          alert.firedAtNanos,
          alert.resolvedAtNanos,
          alert.lastSentAtNanos,
          alert.keepFiringSinceNanos,
          alert.validUntilNanos);
    }

    Alert toAlert() {
      Alert alert =
          new Alert(
              Labels.of(labels),
              annotations == null ? Map.of() : annotations,
              Alert.State.valueOf(state),
              value == null ? Double.NaN : value,
              activeAt);
      alert.firedAtNanos = firedAt;
      alert.resolvedAtNanos = resolvedAt;
      alert.lastSentAtNanos = lastSentAt;
      alert.keepFiringSinceNanos = keepFiringSince;
      alert.validUntilNanos = validUntil;
      return alert;
    }
  }

  /** One rule's instances, keyed by file, group, name and expression. */
  record SavedRule(String key, List<SavedAlert> alerts) {}

  /** The whole file. */
  record Saved(
      int version,
      long savedAt,
      List<SavedRule> rules,
      Map<String, Map<String, Notifications.Notified>> webhooks) {}

  private final Path path;
  private final Logger log;

  StateFile(Path path, Logger log) {
    this.path = path;
    this.log = log;
  }

  Path path() {
    return path;
  }

  /** The rule's key in the file: the same rule, unchanged, finds its state again. */
  static String key(RuleGroup group, AlertRule rule) {
    return group.file()
        + "\u0000"
        + group.name()
        + "\u0000"
        + rule.name()
        + "\u0000"
        + rule.expressionText();
  }

  /** What was saved; empty if nothing was or it cannot be read. */
  java.util.Optional<Saved> read() {
    if (!Files.exists(path)) {
      return java.util.Optional.empty();
    }
    try {
      Saved saved = JSON.readValue(path.toFile(), Saved.class);
      if (saved.version() != 1 || saved.rules() == null) {
        throw new IOException("unknown version " + saved.version());
      }
      return java.util.Optional.of(saved);
    } catch (IOException | RuntimeException e) {
      Path aside = path.resolveSibling(path.getFileName() + ".unreadable");
      log.error(
          "alert state {} cannot be read ({}); moved to {}, alerts start afresh", path, e, aside);
      try {
        Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moved) {
        log.error("cannot move {} aside: {}", path, moved.toString());
      }
      return java.util.Optional.empty();
    }
  }

  /** Replaces the file with {@code saved}, durably. */
  void write(Saved saved) throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    Path next = path.resolveSibling(path.getFileName() + ".next");
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(saved);
    try (FileChannel out =
        FileChannel.open(
            next,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      out.write(java.nio.ByteBuffer.wrap(bytes));
      out.force(true);
    }
    Files.move(next, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
