/** A duration in nanoseconds, the way people read one: 850 µs, 12.3 ms, 1.25 s, 2m 5s. */
export function duration(nanos: number): string {
  if (!Number.isFinite(nanos)) return "–";
  if (nanos < 1_000) return `${Math.round(nanos)} ns`;
  if (nanos < 1_000_000) return `${trim(nanos / 1_000)} µs`;
  if (nanos < 1_000_000_000) return `${trim(nanos / 1_000_000)} ms`;
  if (nanos < 60_000_000_000) return `${trim(nanos / 1_000_000_000)} s`;
  const seconds = Math.round(nanos / 1_000_000_000);
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** A timestamp of the API (RFC 3339, ns) as local-looking UTC text: 2026-12-01 12:30:05.123. */
export function timestamp(text: string): string {
  return text.replace("T", " ").replace(/(\.\d{3})\d*/, "$1").replace("Z", "");
}

/** A rate per second: 0.25/s, 12/s, 1.2k/s. */
export function rate(perSecond: number): string {
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k/s`;
  if (perSecond >= 10) return `${perSecond.toFixed(0)}/s`;
  if (perSecond >= 0.01) return `${perSecond.toFixed(2)}/s`;
  return perSecond > 0 ? `${(perSecond * 60).toFixed(2)}/min` : "0/s";
}

/** A number with a unit the way the metric's unit says (bytes as KiB/MiB, ratios as %). */
export function quantity(value: number | null, unit = ""): string {
  if (value === null || !Number.isFinite(value)) return "–";
  if (unit === "By") {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let v = value;
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
  }
  if (unit === "1" || unit === "%") return `${(unit === "1" ? value * 100 : value).toFixed(1)}%`;
  if (unit === "s") return duration(value * 1e9);
  const text = Math.abs(value) >= 100 || Number.isInteger(value) ? value.toFixed(0) : value.toPrecision(3);
  return unit && !unit.startsWith("{") ? `${text} ${unit}` : text;
}
