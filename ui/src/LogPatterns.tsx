import { useEffect, useState } from "preact/hooks";
import { ErrorNote, get, SendDataHint, useLoad, type LogRecord } from "./api";
import { quantity } from "./format";
import { TimeChart } from "./TimeChart";
import type { TimeRange } from "./time";

export interface LogPattern {
  id: string;
  "service.name": string;
  template: string;
  count: number;
  previous_count: number;
  new: boolean;
  first_seen: string;
  last_seen: string;
  histogram: { start: string; count: number }[];
  values_sampled: number;
  values: { value: string; count: number }[][];
  sample?: LogRecord;
}

interface PatternsAnswer {
  total: number;
  pattern_count: number;
  interval: string;
  patterns: LogPattern[];
  took_ms: number;
  partial: boolean;
}

/** The query narrowed to ({@code show}) or away from ({@code exclude}) one pattern. */
export function withPattern(q: string, id: string, exclude: boolean): string {
  const clause = `${exclude ? "NOT " : ""}pattern.id:${id}`;
  return q.trim() === "" || q.trim() === "*" ? clause : `(${q}) AND ${clause}`;
}

/** A template with its wildcards marked, so the constant text reads apart from the variables. */
function Template(props: { text: string }) {
  const parts = props.text.split("<*>");
  return (
    <code class="template">
      {parts.map((part, i) => (
        <>
          {part}
          {i < parts.length - 1 && <mark class="wildcard">{"<*>"}</mark>}
        </>
      ))}
    </code>
  );
}

/** How the count moved against the window before: a badge when it doubled or halved. */
function Change(props: { pattern: LogPattern }) {
  const { count, previous_count: before } = props.pattern;
  if (props.pattern.new) return <span class="badge new">new</span>;
  if (before === 0) return <span class="badge changed">back</span>;
  const ratio = count / before;
  if (ratio >= 2) return <span class="badge changed" title={`${before} in the window before`}>×{ratio.toFixed(1)}</span>;
  if (ratio <= 0.5) return <span class="badge changed down" title={`${before} in the window before`}>÷{(1 / ratio).toFixed(1)}</span>;
  return null;
}

/** An opened pattern's values, from its newest 500 records rather than the list's 20. */
function useDetail(open: boolean, summary: LogPattern, q: string, range: TimeRange): LogPattern {
  const [detail, setDetail] = useState<LogPattern | null>(null);
  useEffect(() => {
    if (!open || detail) return;
    let current = true;
    get<PatternsAnswer>("/api/v1/logs/patterns", { q: withPattern(q, summary.id, false), ...range, limit: "1", samples: "500" })
      .then((answer) => current && answer.patterns[0] && setDetail(answer.patterns[0]))
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [open]);
  return detail ? { ...summary, values: detail.values, values_sampled: detail.values_sampled } : summary;
}

function PatternRow(props: { pattern: LogPattern; total: number; q: string; range: TimeRange; onFilter: (exclude: boolean) => void }) {
  const [open, setOpen] = useState(false);
  const p = useDetail(open, props.pattern, props.q, props.range);
  const times = p.histogram.map((b) => Date.parse(b.start) / 1000);
  return (
    <li class="pattern" data-pattern={p.id}>
      <div class="pattern-line">
        <span class="count" title={`${p.count} records`}>
          {quantity(p.count)}
        </span>
        <span class="share">{((p.count / Math.max(1, props.total)) * 100).toFixed(1)}%</span>
        <span class="pattern-spark" data-counts={JSON.stringify(p.histogram.map((b) => b.count))}>
          {times.length > 1 && <TimeChart sparkline times={times} lines={[{ label: "records", values: p.histogram.map((b) => b.count) }]} format={quantity} />}
        </span>
        <Change pattern={p} />
        <button type="button" class="pattern-open" aria-expanded={open} onClick={() => setOpen(!open)}>
          <Template text={p.template} />
        </button>
        <span class="service">{p["service.name"]}</span>
        <button type="button" class="show" onClick={() => props.onFilter(false)} title="Only records of this pattern">
          Show
        </button>
        <button type="button" class="exclude" onClick={() => props.onFilter(true)} title="Every record but this pattern's">
          Exclude
        </button>
      </div>
      {open && (
        <div class="pattern-detail">
          <p class="seen">
            First seen {p.first_seen}, last seen {p.last_seen}; {p.previous_count} in the window before.
          </p>
          {p.values.length > 0 && (
            <div class="values">
              <p>
                Values behind the wildcards, in the newest {p.values_sampled} records:
              </p>
              {p.values.map((values, i) => (
                <table class="wildcard-values" data-wildcard={i}>
                  <thead>
                    <tr>
                      <th scope="col">
                        <mark class="wildcard">{"<*>"}</mark> {i + 1}
                      </th>
                      <th scope="col">Records</th>
                    </tr>
                  </thead>
                  <tbody>
                    {values.map((v) => (
                      <tr>
                        <td>
                          <code>{v.value}</code>
                        </td>
                        <td>{v.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ))}
            </div>
          )}
          {p.sample && (
            <p class="sample">
              Newest: <code>{typeof p.sample.body === "string" ? p.sample.body : JSON.stringify(p.sample.body)}</code>
            </p>
          )}
        </div>
      )}
    </li>
  );
}

/** The logs explorer's Patterns tab: the kinds of lines the query matches, most frequent first. */
export function PatternsView(props: {
  q: string;
  range: TimeRange;
  filter: string;
  set: (changes: Record<string, string>) => void;
}) {
  const { data, error, loading } = useLoad(
    () => get<PatternsAnswer>("/api/v1/logs/patterns", { q: props.q, ...props.range, limit: "100", ...(props.filter ? { filter: props.filter } : {}) }),
    [props.q, props.range.start, props.range.end, props.filter],
  );
  return (
    <section class="patterns">
      <nav class="pattern-filters" aria-label="Which patterns">
        {[
          ["", "All"],
          ["new", "New"],
          ["changed", "Changed"],
        ].map(([value, label]) => (
          <button type="button" aria-pressed={props.filter === value} onClick={() => props.set({ pfilter: value })}>
            {label}
          </button>
        ))}
      </nav>
      <ErrorNote error={error} />
      {data && (
        <>
          <p class="summary">
            <span data-testid="pattern-count">{data.pattern_count}</span> patterns in{" "}
            <span data-testid="pattern-total">{data.total}</span> records
            {data.partial && " (partial: the query ran past its deadline)"} · {data.took_ms} ms
          </p>
          {data.patterns.length === 0 ? (
            <SendDataHint what="log records match" />
          ) : (
            <ol class="pattern-list">
              {data.patterns.map((p) => (
                <PatternRow
                  key={p.id}
                  pattern={p}
                  total={data.total}
                  q={props.q}
                  range={props.range}
                  onFilter={(exclude) => props.set({ q: withPattern(props.q, p.id, exclude), view: "" })}
                />
              ))}
            </ol>
          )}
        </>
      )}
      {loading && !data && <p class="loading">Loading…</p>}
    </section>
  );
}
