// A trace as GET /api/v1/traces/{id} answers it, and what the trace view computes from it.
import type { LogRecord } from "./api";

export interface Span {
  timestamp: string;
  end_timestamp: string;
  duration: number;
  "service.name"?: string;
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  kind: string;
  status: { code: string; message?: string };
  attributes: Record<string, unknown>;
  events: { timestamp: string; name: string; attributes: Record<string, unknown> }[];
  links: { trace_id: string; span_id: string; attributes: Record<string, unknown> }[];
  resource: Record<string, unknown>;
  scope: { name: string; version?: string };
  depth: number;
  orphan: boolean;
}

export interface TraceAnswer {
  trace_id: string;
  span_count: number;
  services: string[];
  start?: string;
  duration?: number;
  spans: Span[];
  logs: LogRecord[];
  partial: boolean;
}

/** An API timestamp as whole milliseconds since the epoch and the nanoseconds past them. */
function parts(text: string): [number, number] {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(text);
  if (!match) return [Date.parse(text), 0];
  const fraction = (match[2] ?? "").padEnd(9, "0").slice(0, 9);
  return [Date.parse(`${match[1]}.${fraction.slice(0, 3)}Z`), Number(fraction.slice(3))];
}

/** Nanoseconds from {@code base} to {@code text}: exact, though epoch nanoseconds overflow a double. */
export function offset(text: string, base: string): number {
  const [ms, ns] = parts(text);
  const [baseMs, baseNs] = parts(base);
  return (ms - baseMs) * 1_000_000 + (ns - baseNs);
}

/** A span placed on the trace's time line: nanoseconds from the trace's start. */
export interface Placed {
  span: Span;
  start: number;
  end: number;
  children: number;
}

export function place(answer: TraceAnswer): Placed[] {
  const base = answer.start ?? answer.spans[0]?.timestamp ?? "";
  const placed = answer.spans.map((span) => {
    const start = offset(span.timestamp, base);
    return { span, start, end: start + span.duration, children: 0 };
  });
  const byId = new Map(placed.map((p) => [p.span.span_id, p]));
  for (const p of placed) {
    const parent = p.span.parent_span_id && byId.get(p.span.parent_span_id);
    if (parent) parent.children++;
  }
  return placed;
}

/** Stretches of time, [start, end) in ns from the trace's start, by span id. */
export type Segments = Map<string, [number, number][]>;

/**
 * The critical path: the chain of work that decided how long the trace took. From the end of the
 * root, each step goes back through the child that finished last before the point reached (a
 * child running past its parent is cut at the parent's end); time no child covers is the span's
 * own. Children that finished earlier, or ran in parallel with a later one, are not on it.
 */
export function criticalPath(spans: Placed[]): Segments {
  const segments: Segments = new Map();
  if (spans.length === 0) return segments;
  const children = new Map<string, Placed[]>();
  for (const p of spans) {
    const parent = p.span.parent_span_id;
    if (parent) (children.get(parent) ?? children.set(parent, []).get(parent)!).push(p);
  }
  const tops = spans.filter((p) => p.span.depth === 0);
  const root = tops.reduce((a, b) => (b.end > a.end ? b : a), tops[0] ?? spans[0]);
  const add = (id: string, from: number, to: number) => {
    if (to > from) (segments.get(id) ?? segments.set(id, []).get(id)!).push([from, to]);
  };
  // Work list instead of recursion: a chain of thousands of spans must not overflow the stack.
  const work: [Placed, number][] = [[root, root.end]];
  while (work.length > 0) {
    const [span, until] = work.pop()!;
    const kids = (children.get(span.span.span_id) ?? []).slice().sort((a, b) => b.end - a.end);
    let cursor = until;
    for (const kid of kids) {
      if (cursor <= span.start) break;
      // Sorted by end: the first child that started before the cursor finishes last before it.
      if (kid.start >= cursor) continue;
      const kidEnd = Math.min(kid.end, cursor);
      add(span.span.span_id, kidEnd, cursor);
      work.push([kid, kidEnd]);
      cursor = Math.max(kid.start, span.start);
    }
    add(span.span.span_id, span.start, cursor);
  }
  return segments;
}
