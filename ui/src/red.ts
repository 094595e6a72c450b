// Rate, errors and duration (RED) of spans, from GET /api/v1/spans/aggregate.
import { get } from "./api";
import type { TimeRange } from "./time";

export const METRICS = "count,rate,errors,p50(duration),p95(duration),p99(duration)";

/** Entry spans: what a service is asked to do (server and consumer spans). */
export const ENTRY_SPANS = "kind:server OR kind:consumer";

export interface RedBucket {
  start: string;
  count: number;
  rate: number;
  errors: number;
  "p50(duration)": number | null;
  "p95(duration)": number | null;
  "p99(duration)": number | null;
}

export interface RedGroup extends Omit<RedBucket, "start"> {
  key: Record<string, string>;
  histogram: RedBucket[];
}

export interface RedAnswer {
  total: number;
  other_count: number;
  interval: string;
  buckets: RedGroup[];
  partial: boolean;
}

export function red(q: string, range: TimeRange, groupBy: string, size = 200): Promise<RedAnswer> {
  return get<RedAnswer>("/api/v1/spans/aggregate", {
    q,
    ...range,
    group_by: groupBy,
    metrics: METRICS,
    interval: "auto",
    size: String(size),
  });
}

export function errorRatio(b: { count: number; errors: number }): number {
  return b.count > 0 ? b.errors / b.count : 0;
}

/** A Lucene term with the characters its syntax reserves quoted. */
export function term(value: string): string {
  return /^[\w.\-]+$/.test(value) ? value : `"${value.replace(/(["\\])/g, "\\$1")}"`;
}
