import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, get, SendDataHint, type AggregateResult, type LogRecord, type SearchResult } from "./api";
import { timestamp } from "./format";
import { Histogram, type VolumeSeries } from "./Histogram";
import { QueryInput } from "./QueryInput";
import { term } from "./red";
import { href, Link } from "./router";
import { COLOURS, LEVELS, level, type Level } from "./severity";
import { absolute, TimePicker, timeRange } from "./time";
import { useUrlState } from "./url";
import { PatternsView } from "./LogPatterns";

interface Loaded {
  result: SearchResult<LogRecord>;
}

/** The volume histogram's data: bucket starts (s) and a count per bucket for each level. */
interface Volume {
  times: number[];
  series: VolumeSeries[];
  total: number;
}

function volume(answer: AggregateResult): Volume {
  const byLevel = new Map<string, { start: string; count: number }[]>();
  for (const bucket of answer.buckets) byLevel.set(bucket.key.severity_text, bucket.histogram ?? []);
  const first = answer.buckets[0]?.histogram ?? [];
  const times = first.map((b) => Date.parse(b.start) / 1000);
  const order: Level[] = [...LEVELS, "UNSET"];
  const series: VolumeSeries[] = [];
  for (const [text, histogram] of byLevel) {
    const name = (text.toUpperCase().replace(/[0-9]+$/, "") || "UNSET") as Level;
    series.push({ level: order.includes(name) ? name : "UNSET", counts: histogram.map((b) => b.count) });
  }
  series.sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
  return { times, series, total: answer.total };
}

/** Body text with the words the query matched marked, from the API's {@code <em>…</em>}. */
function Marked(props: { text: string }) {
  const parts = props.text.split(/<em>(.*?)<\/em>/s);
  return (
    <>
      {parts.map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : part))}
    </>
  );
}

function bodyText(body: unknown): string {
  return typeof body === "string" ? body : JSON.stringify(body);
}

/** A record's identity in a list: records do not have ids, but their time, origin and body tell them apart. */
function key(r: LogRecord): string {
  return `${r.timestamp}|${r["service.name"] ?? ""}|${r.span_id ?? ""}|${bodyText(r.body)}`;
}

/**
 * The lines around a record from the same service (and host, when the resource names one),
 * whatever the query: the ten before it and the ten after.
 */
function LogContext(props: { record: LogRecord }) {
  const r = props.record;
  const [lines, setLines] = useState<LogRecord[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    const same = [`service.name:${term(r["service.name"] ?? "")}`];
    const host = r.resource["host.name"];
    if (typeof host === "string") same.push(`resource.host.name:${term(host)}`);
    const q = same.join(" AND ");
    const at = Date.parse(r.timestamp);
    Promise.all([
      get<SearchResult<LogRecord>>("/api/v1/logs/search", { q, start: new Date(at - 86_400_000).toISOString(), end: r.timestamp, limit: "11" }),
      get<SearchResult<LogRecord>>("/api/v1/logs/search", { q, start: r.timestamp, end: new Date(at + 86_400_000).toISOString(), limit: "11", sort: "oldest" }),
    ])
      .then(([before, after]) => {
        const seen = new Set<string>();
        const all = [...before.hits.reverse(), ...after.hits].filter((x) => !seen.has(key(x)) && seen.add(key(x)));
        setLines(all);
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e : new ApiError(0, "error", String(e))));
  }, [key(r)]);
  if (error) return <p class="error" role="alert">{error.message}</p>;
  if (!lines) return <p class="loading">Loading context…</p>;
  return (
    <ol class="log-context" aria-label="log context">
      {lines.map((line) => {
        const lvl = level(line.severity_number);
        return (
          <li class={key(line) === key(r) ? "this-record" : ""}>
            <time>{timestamp(line.timestamp)}</time>{" "}
            <span class="level" style={{ color: COLOURS[lvl] }}>
              {line.severity_text || lvl}
            </span>{" "}
            {bodyText(line.body)}
          </li>
        );
      })}
    </ol>
  );
}

function LogRow(props: { record: LogRecord; fresh?: boolean }) {
  const [open, setOpen] = useState(false);
  const [context, setContext] = useState(false);
  const r = props.record;
  const lvl = level(r.severity_number);
  return (
    <li class={`log${props.fresh ? " fresh" : ""}`} data-severity={lvl}>
      <button class="log-line" aria-expanded={open} onClick={() => setOpen(!open)}>
        <time>{timestamp(r.timestamp)}</time>
        <span class="level" style={{ color: COLOURS[lvl] }}>
          {r.severity_text || lvl}
        </span>
        <span class="service">{r["service.name"] ?? ""}</span>
        <span class="body">
          {r.highlight?.body ? <Marked text={r.highlight.body} /> : bodyText(r.body)}
        </span>
      </button>
      {open && (
        <div class="log-detail">
          <pre class="body-full">{bodyText(r.body)}</pre>
          <p class="facts">
            {r.trace_id && (
              <>
                <Link href={href(["traces", r.trace_id], { span: r.span_id })} class="trace-link">
                  trace {r.trace_id}
                </Link>
                {r.span_id && <> · span {r.span_id}</>} ·{" "}
              </>
            )}
            {r["service.name"] && (
              <>
                <Link href={href(["services", r["service.name"]])} class="service-link">
                  {r["service.name"]} health
                </Link>{" "}
                ·{" "}
              </>
            )}
            <button type="button" class="link-button" aria-pressed={context} onClick={() => setContext(!context)}>
              {context ? "hide context" : "show context"}
            </button>
          </p>
          {context && <LogContext record={r} />}
          <h4>Attributes</h4>
          <pre>{JSON.stringify(r.attributes, null, 2)}</pre>
          <h4>Resource</h4>
          <pre>{JSON.stringify(r.resource, null, 2)}</pre>
          <h4>Scope</h4>
          <pre>{JSON.stringify(r.scope, null, 2)}</pre>
        </div>
      )}
    </li>
  );
}

const TAIL_EVERY_MS = 2000;
const TAIL_KEEP = 500;

/**
 * Live tail: every two seconds, the records of the query that arrived since the newest shown,
 * oldest first, put on top; the list keeps the newest 500.
 */
function useLiveTail(on: boolean, q: string, newest: LogRecord | undefined) {
  const [fresh, setFresh] = useState<LogRecord[]>([]);
  const since = useRef<LogRecord | undefined>(newest);
  useEffect(() => {
    setFresh([]);
    since.current = newest;
    if (!on) return;
    let current = true;
    const seen = new Set<string>(newest ? [key(newest)] : []);
    const poll = async () => {
      const start = since.current?.timestamp ?? new Date(Date.now() - 60_000).toISOString();
      try {
        const answer = await get<SearchResult<LogRecord>>("/api/v1/logs/search", { q, start, end: "now+1m", limit: "200", sort: "oldest" });
        const added = answer.hits.filter((r) => !seen.has(key(r)));
        if (!current || added.length === 0) return;
        added.forEach((r) => seen.add(key(r)));
        since.current = added[added.length - 1];
        setFresh((shown) => [...added.reverse(), ...shown].slice(0, TAIL_KEEP));
      } catch {
        // The next poll tries again; the page shows what it has.
      }
    };
    const timer = setInterval(poll, TAIL_EVERY_MS);
    poll();
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [on, q, newest && key(newest)]);
  return fresh;
}

/** The logs explorer: a query, a time range, the volume by severity and the newest matches. */
export function LogsPage() {
  const [params, setParams] = useUrlState();
  const q = params.get("q") ?? "";
  const range = timeRange(params);
  const live = params.get("live") === "1";
  const view = params.get("view") === "patterns" ? "patterns" : "records";
  const [draft, setDraft] = useState(q);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [volumes, setVolume] = useState<Volume | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const fresh = useLiveTail(live, q, loaded?.result.hits[0]);

  useEffect(() => setDraft(q), [q]);
  // The matches and the volume are asked at once, and each shown when it comes: the newest
  // records of a day take milliseconds, its histogram can take a second.
  useEffect(() => {
    if (view === "patterns") return;
    let current = true;
    const failed = (e: unknown) => current && setError(e instanceof ApiError ? e : new ApiError(0, "error", String(e)));
    setLoading(true);
    setVolume(null);
    get<SearchResult<LogRecord>>("/api/v1/logs/search", { q, ...range, limit: "100" })
      .then((result) => {
        if (!current) return;
        setLoaded({ result });
        setError(null);
      })
      .catch(failed)
      .finally(() => current && setLoading(false));
    get<AggregateResult>("/api/v1/logs/aggregate", {
      q,
      ...range,
      group_by: "severity_text",
      interval: "auto",
      metrics: "count",
      size: "50",
    })
      .then((histogram) => current && setVolume(volume(histogram)))
      .catch(failed);
    return () => {
      current = false;
    };
  }, [q, range.start, range.end, view]);

  const zoom = (from: number, to: number) => setParams(absolute(from, to));

  return (
    <main class="logs">
      <form
        class="query-bar"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ q: draft });
        }}
      >
        <QueryInput value={draft} onInput={setDraft} range={range} />
        <TimePicker params={params} set={setParams} />
        <button type="submit">Search</button>
        <button type="button" aria-pressed={live} class={live ? "live on" : "live"} onClick={() => setParams({ live: live ? "" : "1" })}>
          {live ? "● Live" : "Live tail"}
        </button>
      </form>
      <nav class="tabs" role="tablist" aria-label="Logs view">
        <button type="button" role="tab" aria-selected={view === "records"} onClick={() => setParams({ view: "" })}>
          Records
        </button>
        <button type="button" role="tab" aria-selected={view === "patterns"} onClick={() => setParams({ view: "patterns", live: "" })}>
          Patterns
        </button>
      </nav>
      {view === "patterns" && <PatternsView q={q} range={range} filter={params.get("pfilter") ?? ""} set={setParams} />}
      {view === "records" && error && (
        <p class="error" role="alert">
          {error.message} <code>{error.code}</code>
        </p>
      )}
      {view === "records" && loaded && !error && (
        <>
          <p class="summary">
            <span data-testid="total">{loaded.result.total}</span>{" "}
            {loaded.result.total === 1 ? "record" : "records"}
            {loaded.result.partial && " (partial: the query ran past its deadline)"} ·{" "}
            {loaded.result.took_ms} ms
            {live && (
              <>
                {" "}
                · live: <span data-testid="live-count">{fresh.length}</span> new
              </>
            )}
          </p>
          {volumes === null ? (
            <div class="histogram-pending" aria-busy="true" />
          ) : (
            volumes.times.length > 0 && <Histogram times={volumes.times} series={volumes.series} onZoom={zoom} />
          )}
          {loaded.result.hits.length === 0 && fresh.length === 0 ? (
            <SendDataHint what="log records match" />
          ) : (
            <ol class="log-list">
              {fresh.map((record) => (
                <LogRow key={key(record)} record={record} fresh />
              ))}
              {loaded.result.hits.map((record) => (
                <LogRow key={key(record)} record={record} />
              ))}
            </ol>
          )}
        </>
      )}
      {view === "records" && loading && <p class="loading">Loading…</p>}
    </main>
  );
}
