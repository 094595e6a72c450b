package dev.spyglass.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a Flight Recorder profile says the CPU went: the hottest methods by their own samples, and
 * by area (the package of the top frame: Lucene's codecs, protobuf, Netty, our WAL …).
 */
final class JfrSummary {
  private JfrSummary() {}

  static List<String> summarize(Path recording, int top) throws IOException {
    Map<String, Integer> methods = new HashMap<>();
    Map<String, Integer> areas = new HashMap<>();
    Map<String, Integer> ours = new HashMap<>();
    int samples = 0;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
          continue;
        }
        RecordedStackTrace stack = event.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        samples++;
        RecordedFrame frame = stack.getFrames().getFirst();
        String type = frame.getMethod().getType().getName();
        methods.merge(type + "." + frame.getMethod().getName(), 1, Integer::sum);
        areas.merge(area(type), 1, Integer::sum);
        for (RecordedFrame caller : stack.getFrames()) {
          String callerType = caller.getMethod().getType().getName();
          if (callerType.startsWith("dev.spyglass.")) {
            ours.merge(
                callerType.substring(callerType.lastIndexOf('.') + 1)
                    + "."
                    + caller.getMethod().getName(),
                1,
                Integer::sum);
            break;
          }
        }
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add("profile: " + samples + " CPU samples");
    lines.add("  by area (top frame's package):");
    percentages(areas, samples, top).forEach(l -> lines.add("    " + l));
    lines.add("  by Spyglass method nearest the top of the stack (inclusive of what it calls):");
    percentages(ours, samples, top).forEach(l -> lines.add("    " + l));
    lines.add("  hottest methods (self):");
    percentages(methods, samples, top).forEach(l -> lines.add("    " + l));
    return lines;
  }

  private static List<String> percentages(Map<String, Integer> counts, int total, int top) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .map(e -> "%5.1f%%  %s".formatted(100.0 * e.getValue() / Math.max(1, total), e.getKey()))
        .toList();
  }

  private static String area(String type) {
    String[][] areas = {
      {"org.apache.lucene.codecs", "lucene codecs (postings, stored fields, doc values)"},
      {"org.apache.lucene.util.compress", "lucene compression (stored fields)"},
      {"org.apache.lucene.analysis", "lucene analysis (tokenizing body)"},
      {"org.apache.lucene.index", "lucene indexing chain"},
      {"org.apache.lucene", "lucene other"},
      {"com.google.protobuf", "protobuf encode/decode"},
      {"io.netty", "netty (network)"},
      {"com.linecorp.armeria", "armeria (HTTP/gRPC)"},
      {"io.grpc", "grpc"},
      {"dev.spyglass.storage", "spyglass storage (WAL, mapping)"},
      {"dev.spyglass.receiver", "spyglass receiver"},
      {"dev.spyglass", "spyglass other"},
      {"java.util.zip", "crc/zip"},
      {"jdk.internal", "jdk internal"},
      {"java.", "jdk"},
      {"sun.nio", "jdk nio"},
    };
    for (String[] area : areas) {
      if (type.startsWith(area[0])) {
        return area[1];
      }
    }
    return type.contains(".") ? type.substring(0, type.lastIndexOf('.')) : type;
  }
}
