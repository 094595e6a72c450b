package dev.spyglass.query.alerts;

import java.util.Map;

/**
 * One alert instance of a rule: a label set and its state. Mutable, guarded by its {@link
 * RuleState}; everything outside sees {@link #copy()}s.
 */
final class Alert {
  /** An instance's state, as Prometheus names them. */
  enum State {
    INACTIVE,
    PENDING,
    FIRING;

    String spelling() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  final Labels labels;
  Map<String, String> annotations;
  State state;
  double value;

  /** When the group first broke the threshold (ns). */
  long activeAtNanos;

  /** When it fired; 0 while pending. */
  long firedAtNanos;

  /** When it resolved; 0 while active. */
  long resolvedAtNanos;

  /** When it was last sent to Alertmanager; 0 for never. */
  long lastSentAtNanos;

  /** Since when it has been kept firing without breaking the threshold; 0 when it breaks it. */
  long keepFiringSinceNanos;

  /** How long Alertmanager is told it lasts, absent a resend (ns). */
  long validUntilNanos;

  Alert(Labels labels, Map<String, String> annotations, State state, double value, long activeAt) {
    this.labels = labels;
    this.annotations = Map.copyOf(annotations);
    this.state = state;
    this.value = value;
    this.activeAtNanos = activeAt;
  }

  Alert copy() {
    Alert copy = new Alert(labels, annotations, state, value, activeAtNanos);
    copy.firedAtNanos = firedAtNanos;
    copy.resolvedAtNanos = resolvedAtNanos;
    copy.lastSentAtNanos = lastSentAtNanos;
    copy.keepFiringSinceNanos = keepFiringSinceNanos;
    copy.validUntilNanos = validUntilNanos;
    return copy;
  }

  /**
   * Prometheus's rule for resending: never pending ones, resolutions once, firing ones each delay.
   */
  boolean needsSending(long nowNanos, long resendDelayNanos) {
    if (state == State.PENDING) {
      return false;
    }
    if (resolvedAtNanos != 0 && resolvedAtNanos > lastSentAtNanos) {
      return true;
    }
    return state == State.FIRING && lastSentAtNanos + resendDelayNanos <= nowNanos;
  }
}
