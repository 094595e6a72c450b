import { useEffect, useState } from "preact/hooks";
import { ApiError } from "./api";

export const RANGES: Record<string, string> = {
  "5m": "Last 5 minutes",
  "15m": "Last 15 minutes",
  "1h": "Last hour",
  "6h": "Last 6 hours",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
};

export interface TimeRange {
  start: string;
  end: string;
}

/** The time range of the URL: a relative one ({@code range=1h}) or an absolute one (start/end). */
export function timeRange(params: URLSearchParams, fallback = "1h"): TimeRange {
  const start = params.get("start");
  const end = params.get("end");
  if (start) return { start, end: end || "now" };
  const range = params.get("range") ?? fallback;
  return { start: `now-${RANGES[range] ? range : fallback}`, end: "now" };
}

/** The URL changes that select the range from {@code from} to {@code to} (seconds since the epoch). */
export function absolute(from: number, to: number): Record<string, string> {
  return { range: "", start: new Date(from * 1000).toISOString(), end: new Date(to * 1000).toISOString() };
}

/**
 * Relative ranges from a list, or an absolute one typed as RFC 3339 times or date math
 * ({@code now-2h}) — the API checks what is typed and says what it cannot read.
 */
export function TimePicker(props: { params: URLSearchParams; set: (changes: Record<string, string>) => void }) {
  const custom = props.params.get("start") !== null;
  const [open, setOpen] = useState(custom);
  const range = timeRange(props.params);
  const [from, setFrom] = useState(range.start);
  const [to, setTo] = useState(range.end);
  useEffect(() => {
    setFrom(range.start);
    setTo(range.end);
  }, [range.start, range.end]);
  return (
    <span class="time-picker">
      <select
        aria-label="Time range"
        value={custom || open ? "custom" : props.params.get("range") ?? "1h"}
        onChange={(e) => {
          const value = e.currentTarget.value;
          if (value === "custom") {
            setOpen(true);
          } else {
            setOpen(false);
            props.set({ range: value, start: "", end: "" });
          }
        }}
      >
        {Object.entries(RANGES).map(([value, label]) => (
          <option value={value}>{label}</option>
        ))}
        <option value="custom">Absolute range…</option>
      </select>
      {(custom || open) && (
        <span class="absolute">
          <input aria-label="From" name="start" value={from} onInput={(e) => setFrom(e.currentTarget.value)} size={24} />
          →
          <input aria-label="To" name="end" value={to} onInput={(e) => setTo(e.currentTarget.value)} size={24} />
          <button type="button" onClick={() => props.set({ range: "", start: from, end: to })}>
            Apply
          </button>
        </span>
      )}
    </span>
  );
}

/** Milliseconds since the epoch of an API time: RFC 3339, or date math like now-2h. */
export function millis(text: string): number {
  const math = /^now(?:\s*([-+])\s*(\d+)\s*(ms|s|m|h|d|w))?$/.exec(text.trim());
  if (math) {
    const units: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 };
    const amount = math[1] ? Number(math[2]) * units[math[3]] * (math[1] === "-" ? -1 : 1) : 0;
    return Date.now() + amount;
  }
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw new ApiError(400, "invalid_time", `cannot read the time '${text}'`);
  return parsed;
}

/** The range in seconds since the epoch, as charts take it. */
export function seconds(range: TimeRange): [number, number] {
  return [Math.floor(millis(range.start) / 1000), Math.floor(millis(range.end) / 1000)];
}
