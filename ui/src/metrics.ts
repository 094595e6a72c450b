// Metric series from GET /api/v1/metrics/query, lined up on one time axis for a chart.
import { get } from "./api";
import type { Line } from "./TimeChart";
import type { TimeRange } from "./time";

export interface SeriesAnswer {
  name: string;
  agg: string;
  step: string;
  series: { labels: Record<string, string>; points: { timestamp: string; value: number | null }[] }[];
  partial: boolean;
}

export function series(name: string, agg: string, groupBy: string, range: TimeRange, q = "", step = "auto") {
  return get<SeriesAnswer>("/api/v1/metrics/query", { name, agg, group_by: groupBy, q, step, ...range });
}

export function label(labels: Record<string, string>): string {
  const values = Object.values(labels);
  return values.length === 0 ? "all" : values.map((v) => v || "(none)").join(" · ");
}

/** The answer's series as chart lines on the union of their times. */
export function lines(answer: SeriesAnswer | null): { times: number[]; lines: Line[] } {
  if (!answer) return { times: [], lines: [] };
  const times = [...new Set(answer.series.flatMap((s) => s.points.map((p) => Date.parse(p.timestamp) / 1000)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  return {
    times,
    lines: answer.series.map((s) => {
      const values: (number | null)[] = times.map(() => null);
      for (const p of s.points) values[index.get(Date.parse(p.timestamp) / 1000)!] = p.value;
      return { label: label(s.labels), values };
    }),
  };
}

/** The last value of each series, by its label. */
export function latest(answer: SeriesAnswer | null, key: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of answer?.series ?? []) {
    for (let i = s.points.length - 1; i >= 0; i--) {
      const v = s.points[i].value;
      if (v !== null) {
        out.set(s.labels[key] ?? "", v);
        break;
      }
    }
  }
  return out;
}
