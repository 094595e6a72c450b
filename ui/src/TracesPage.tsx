import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import { ErrorNote, get, SendDataHint, useLoad } from "./api";
import { serviceColour } from "./colours";
import { duration, timestamp } from "./format";
import { href, Link, navigate } from "./router";
import { millis, TimePicker, timeRange, type TimeRange } from "./time";
import { useUrlState } from "./url";

// Trace search asks the Jaeger endpoint, which finds traces (not spans) by service, operation,
// tags and duration, and answers each trace whole.
interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; spanID: string }[];
  startTime: number; // µs
  duration: number; // µs
  tags: { key: string; value: unknown }[];
  processID: string;
}

interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** One line of the results: what a trace is, from its spans. */
export interface TraceSummary {
  traceId: string;
  root: string;
  rootService: string;
  start: number; // ms since the epoch
  duration: number; // ns
  spans: number;
  errors: number;
  services: [string, number][];
}

function summarise(trace: JaegerTrace): TraceSummary {
  const ids = new Set(trace.spans.map((s) => s.spanID));
  const root =
    trace.spans.find((s) => !s.references.some((r) => ids.has(r.spanID))) ??
    trace.spans.reduce((a, b) => (b.startTime < a.startTime ? b : a));
  const first = Math.min(...trace.spans.map((s) => s.startTime));
  const last = Math.max(...trace.spans.map((s) => s.startTime + s.duration));
  const services = new Map<string, number>();
  let errors = 0;
  for (const span of trace.spans) {
    const service = trace.processes[span.processID]?.serviceName ?? "";
    services.set(service, (services.get(service) ?? 0) + 1);
    if (span.tags.some((t) => t.key === "error" && t.value === true)) errors++;
  }
  return {
    traceId: trace.traceID,
    root: root.operationName,
    rootService: trace.processes[root.processID]?.serviceName ?? "",
    start: first / 1000,
    duration: (last - first) * 1000,
    spans: trace.spans.length,
    errors,
    services: [...services].sort((a, b) => b[1] - a[1]),
  };
}

function jaegerParams(params: URLSearchParams, range: TimeRange): Record<string, string> {
  const query: Record<string, string> = {
    service: params.get("service") ?? "",
    limit: params.get("limit") ?? "20",
    start: String(Math.round(millis(range.start) * 1000)),
    end: String(Math.round(millis(range.end) * 1000)),
  };
  for (const key of ["operation", "tags", "minDuration", "maxDuration"]) {
    const value = params.get(key);
    if (value) query[key] = value;
  }
  return query;
}

/** What the search depends on: the URL's query without the list's sort order. */
function searchKey(params: URLSearchParams): string {
  const key = new URLSearchParams(params);
  key.delete("sort");
  return key.toString();
}

/** Start time against duration, one point per trace; a click opens the trace. */
function Scatter(props: { traces: TraceSummary[] }) {
  const box = useRef<HTMLDivElement>(null);
  const traces = useRef(props.traces);
  useEffect(() => {
    if (!box.current || props.traces.length === 0) return;
    const sorted = [...props.traces].sort((a, b) => a.start - b.start);
    traces.current = sorted;
    const plot = new uPlot(
      {
        width: box.current.clientWidth || 800,
        height: 160,
        legend: { show: false },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max * 1.1 || 1] } },
        axes: [
          { stroke: "currentColor" },
          { stroke: "currentColor", size: 64, values: (_u, values) => values.map((v) => duration(v * 1e6)) },
        ],
        cursor: { drag: { x: false, y: false }, points: { size: 10 } },
        series: [
          {},
          { label: "duration (ms)", stroke: "#0a84ff", paths: () => null, points: { show: true, size: 7, fill: "#0a84ff" } },
        ],
        hooks: {
          ready: [
            (u: uPlot) =>
              u.over.addEventListener("click", () => {
                const index = u.cursor.idx;
                if (index !== null && index !== undefined) navigate(href(["traces", traces.current[index].traceId]));
              }),
          ],
        },
      },
      [sorted.map((t) => t.start / 1000), sorted.map((t) => t.duration / 1e6)],
      box.current,
    );
    return () => plot.destroy();
  }, [props.traces]);
  return (
    <div
      class="scatter"
      ref={box}
      role="img"
      aria-label={`duration of ${props.traces.length} traces over time; click a point to open it`}
      data-points={props.traces.length}
    />
  );
}

/** The search form's service and operation lists, from the Jaeger endpoints. */
function useServices(service: string) {
  const services = useLoad(() => get<{ data: string[] }>("/api/services", {}), []);
  const operations = useLoad(
    () => (service ? get<{ data: string[] }>(`/api/services/${encodeURIComponent(service)}/operations`, {}) : Promise.resolve({ data: [] })),
    [service],
  );
  return { services: services.data?.data ?? [], operations: operations.data?.data ?? [] };
}

/** Trace search: by service, operation, attributes, duration and time; a scatter plot and a list. */
export function TracesPage() {
  const [params, setParams] = useUrlState();
  const range = timeRange(params);
  const service = params.get("service") ?? "";
  const { services, operations } = useServices(service);
  const [tags, setTags] = useState(params.get("tags") ?? "");
  const [minDuration, setMin] = useState(params.get("minDuration") ?? "");
  const [maxDuration, setMax] = useState(params.get("maxDuration") ?? "");
  const sort = params.get("sort") ?? "recent";
  useEffect(() => {
    setTags(params.get("tags") ?? "");
    setMin(params.get("minDuration") ?? "");
    setMax(params.get("maxDuration") ?? "");
  }, [params.toString()]);
  // Without a service chosen, the first one the store knows is searched.
  useEffect(() => {
    if (!service && services.length > 0) setParams({ service: services[0] }, true);
  }, [service, services.join(",")]);

  const results = useLoad(
    () =>
      service
        ? get<{ data: JaegerTrace[] }>("/api/traces", jaegerParams(params, range)).then((a) => a.data.map(summarise))
        : Promise.resolve(null),
    [searchKey(params)],
  );
  const traces = [...(results.data ?? [])].sort((a, b) =>
    sort === "longest" ? b.duration - a.duration : sort === "spans" ? b.spans - a.spans : b.start - a.start,
  );

  return (
    <main class="traces">
      <form
        class="query-bar trace-search"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ tags, minDuration, maxDuration });
        }}
      >
        <select aria-label="Service" name="service" value={service} onChange={(e) => setParams({ service: e.currentTarget.value, operation: "" })}>
          {services.length === 0 && <option value="">no services yet</option>}
          {services.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
        <select aria-label="Operation" name="operation" value={params.get("operation") ?? ""} onChange={(e) => setParams({ operation: e.currentTarget.value })}>
          <option value="">all operations</option>
          {operations.map((o) => (
            <option value={o}>{o}</option>
          ))}
        </select>
        <input
          name="tags"
          aria-label="Attributes"
          placeholder='attributes: http.response.status_code=500 error=true'
          value={tags}
          onInput={(e) => setTags(e.currentTarget.value)}
        />
        <input name="minDuration" aria-label="Minimum duration" placeholder="min 100ms" size={8} value={minDuration} onInput={(e) => setMin(e.currentTarget.value)} />
        <input name="maxDuration" aria-label="Maximum duration" placeholder="max 2s" size={8} value={maxDuration} onInput={(e) => setMax(e.currentTarget.value)} />
        <select aria-label="Limit" value={params.get("limit") ?? "20"} onChange={(e) => setParams({ limit: e.currentTarget.value })}>
          {["20", "50", "100", "500"].map((n) => (
            <option value={n}>{n} traces</option>
          ))}
        </select>
        <TimePicker params={params} set={setParams} />
        <button type="submit">Find traces</button>
      </form>
      <ErrorNote error={results.error} />
      {results.data && results.data.length === 0 && <SendDataHint what="traces match" />}
      {!service && services.length === 0 && !results.loading && <SendDataHint what="traces" />}
      {traces.length > 0 && (
        <>
          <p class="summary">
            <span data-testid="trace-count">{traces.length}</span> traces · sort{" "}
            <select aria-label="Sort" value={sort} onChange={(e) => setParams({ sort: e.currentTarget.value }, true)}>
              <option value="recent">most recent</option>
              <option value="longest">longest first</option>
              <option value="spans">most spans</option>
            </select>
          </p>
          <Scatter traces={traces} />
          <ol class="trace-list">
            {traces.map((t) => (
              <li class="trace-result" data-trace-id={t.traceId}>
                <Link href={href(["traces", t.traceId])} class="trace-link">
                  <span class="service">{t.rootService}</span>: {t.root}
                </Link>
                <span class="duration">{duration(t.duration)}</span>
                <span class="muted">
                  {t.spans} spans{t.errors > 0 && <strong class="error"> · {t.errors} errors</strong>}
                </span>
                <span class="services">
                  {t.services.map(([name, count]) => (
                    <span class="service-tag" style={{ borderColor: serviceColour(name) }}>
                      {name} {count}
                    </span>
                  ))}
                </span>
                <time class="muted">{timestamp(new Date(t.start).toISOString())}</time>
              </li>
            ))}
          </ol>
        </>
      )}
      {results.loading && <p class="loading">Loading…</p>}
    </main>
  );
}
