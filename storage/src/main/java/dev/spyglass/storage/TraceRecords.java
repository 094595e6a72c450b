package dev.spyglass.storage;

import java.util.List;

/**
 * What a store holds of one trace.
 *
 * @param spans its spans, newest first
 * @param logs the log records carrying its trace id, newest first (empty unless asked for)
 * @param partial true when the lookup hit its deadline
 */
public record TraceRecords(List<StoredSpan> spans, List<StoredLog> logs, boolean partial) {
  public TraceRecords {
    spans = List.copyOf(spans);
    logs = List.copyOf(logs);
  }
}
