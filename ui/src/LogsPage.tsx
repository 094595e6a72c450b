import { useEffect, useState } from "preact/hooks";
import { ApiError, get, type AggregateResult, type LogRecord, type SearchResult } from "./api";
import { Histogram, type VolumeSeries } from "./Histogram";
import { QueryInput } from "./QueryInput";
import { COLOURS, LEVELS, level, type Level } from "./severity";
import { useUrlState } from "./url";

const RANGES: Record<string, string> = {
  "15m": "Last 15 minutes",
  "1h": "Last hour",
  "6h": "Last 6 hours",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
};

/** The time range of the URL: a relative one ({@code range=1h}) or an absolute one (start/end). */
function timeRange(params: URLSearchParams): { start: string; end: string } {
  const start = params.get("start");
  const end = params.get("end");
  if (start && end) return { start, end };
  const range = params.get("range") ?? "1h";
  return { start: `now-${RANGES[range] ? range : "1h"}`, end: "now" };
}

interface Loaded {
  result: SearchResult<LogRecord>;
  volume: { times: number[]; series: VolumeSeries[]; total: number };
}

function volume(answer: AggregateResult): Loaded["volume"] {
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

function LogRow(props: { record: LogRecord }) {
  const [open, setOpen] = useState(false);
  const r = props.record;
  const lvl = level(r.severity_number);
  return (
    <li class="log" data-severity={lvl}>
      <button class="log-line" aria-expanded={open} onClick={() => setOpen(!open)}>
        <time>{r.timestamp.replace("T", " ").replace("Z", "")}</time>
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
          {r.trace_id && (
            <p>
              trace <a href={`/api/v1/traces/${r.trace_id}`}>{r.trace_id}</a>
              {r.span_id && <> · span {r.span_id}</>}
            </p>
          )}
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

/** The logs explorer: a query, a time range, the volume by severity and the newest matches. */
export function LogsPage() {
  const [params, setParams] = useUrlState();
  const q = params.get("q") ?? "";
  const range = timeRange(params);
  const [draft, setDraft] = useState(q);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => setDraft(q), [q]);
  useEffect(() => {
    let current = true;
    setLoading(true);
    Promise.all([
      get<SearchResult<LogRecord>>("/api/v1/logs/search", { q, ...range, limit: "100" }),
      get<AggregateResult>("/api/v1/logs/aggregate", {
        q,
        ...range,
        group_by: "severity_text",
        interval: "auto",
        metrics: "count",
        size: "50",
      }),
    ])
      .then(([result, histogram]) => {
        if (!current) return;
        setLoaded({ result, volume: volume(histogram) });
        setError(null);
      })
      .catch((e: unknown) => current && setError(e instanceof ApiError ? e : new ApiError(0, "error", String(e))))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [q, range.start, range.end]);

  const zoom = (from: number, to: number) =>
    setParams({
      range: "",
      start: new Date(from * 1000).toISOString(),
      end: new Date(to * 1000).toISOString(),
    });

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
        <select
          aria-label="Time range"
          value={params.get("start") ? "" : params.get("range") ?? "1h"}
          onChange={(e) => setParams({ range: e.currentTarget.value, start: "", end: "" })}
        >
          {params.get("start") && <option value="">{`${range.start} → ${range.end}`}</option>}
          {Object.entries(RANGES).map(([value, label]) => (
            <option value={value}>{label}</option>
          ))}
        </select>
        <button type="submit">Search</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error.message} <code>{error.code}</code>
        </p>
      )}
      {loaded && !error && (
        <>
          <p class="summary">
            <span data-testid="total">{loaded.result.total}</span>{" "}
            {loaded.result.total === 1 ? "record" : "records"}
            {loaded.result.partial && " (partial: the query ran past its deadline)"} ·{" "}
            {loaded.result.took_ms} ms
          </p>
          {loaded.volume.times.length > 0 && (
            <Histogram times={loaded.volume.times} series={loaded.volume.series} onZoom={zoom} />
          )}
          {loaded.result.hits.length === 0 ? (
            <div class="empty">
              <p>No log records match in this time range.</p>
              <p>
                To send some, point an OpenTelemetry SDK here:{" "}
                <code>OTEL_EXPORTER_OTLP_ENDPOINT=http://{location.hostname}:4318 OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</code>
              </p>
            </div>
          ) : (
            <ol class="log-list">
              {loaded.result.hits.map((record) => (
                <LogRow record={record} />
              ))}
            </ol>
          )}
        </>
      )}
      {loading && <p class="loading">Loading…</p>}
    </main>
  );
}
