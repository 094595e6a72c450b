import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ErrorNote, get, tracePath, useLoad, type LogRecord } from "./api";
import { Attributes } from "./Attributes";
import { serviceColour } from "./colours";
import { duration, timestamp } from "./format";
import { Minimap } from "./Minimap";
import { href, Link } from "./router";
import { COLOURS, level } from "./severity";
import { criticalPath, offset, place, type Placed, type Segments, type Span, type TraceAnswer } from "./trace";
import { useUrlState } from "./url";

/** Whether the span's name, service, id or any attribute contains {@code text} (lower case). */
function matches(span: Span, text: string): boolean {
  if (!text) return false;
  const fields = [span.name, span["service.name"] ?? "", span.span_id, span.status.message ?? ""];
  for (const [key, value] of Object.entries(span.attributes)) fields.push(key, String(value));
  return fields.some((f) => f.toLowerCase().includes(text));
}

/** The spans not hidden under a collapsed parent, in tree order. */
function visible(spans: Placed[], collapsed: Set<string>): Placed[] {
  const shown: Placed[] = [];
  let hideBelow = Infinity;
  for (const p of spans) {
    if (p.span.depth > hideBelow) continue;
    hideBelow = collapsed.has(p.span.span_id) ? p.span.depth : Infinity;
    shown.push(p);
  }
  return shown;
}

function percent(value: number, from: number, to: number): number {
  return Math.min(100, Math.max(0, ((value - from) / Math.max(1, to - from)) * 100));
}

function SpanRow(props: {
  placed: Placed;
  window: [number, number];
  critical: [number, number][] | undefined;
  showCritical: boolean;
  collapsed: boolean;
  selected: boolean;
  match: boolean;
  onToggle: () => void;
  onSelect: () => void;
}) {
  const { span, start, end, children } = props.placed;
  const [from, to] = props.window;
  const service = span["service.name"] ?? "";
  const left = percent(start, from, to);
  const width = Math.max(0.2, percent(end, from, to) - left);
  const error = span.status.code.toLowerCase() === "error";
  return (
    <div
      class={`span-row${props.selected ? " selected" : ""}${props.match ? " match" : ""}`}
      data-span-id={span.span_id}
      data-depth={span.depth}
      data-critical={props.critical ? "true" : "false"}
    >
      <div class="span-name" style={{ paddingLeft: `${span.depth * 14}px` }}>
        {children > 0 ? (
          <button
            class="toggle"
            aria-expanded={!props.collapsed}
            aria-label={`${props.collapsed ? "expand" : "collapse"} ${span.name}`}
            onClick={props.onToggle}
          >
            {props.collapsed ? "▸" : "▾"}
          </button>
        ) : (
          <span class="toggle" />
        )}
        <button class="span-label" aria-pressed={props.selected} onClick={props.onSelect}>
          <span class="service-chip" style={{ background: serviceColour(service) }} />
          <span class="service">{service}</span> <span class="operation">{span.name}</span>
          {error && (
            <span class="error-mark" title={span.status.message ?? "error"}>
              {" "}
              ⚠
            </span>
          )}
          {span.orphan && <span class="orphan" title="its parent span is not in this trace"> (orphan)</span>}
          {props.collapsed && <span class="hidden-count"> +{children}</span>}
        </button>
      </div>
      <div class="span-track" onClick={props.onSelect}>
        <div class="span-bar" style={{ left: `${left}%`, width: `${width}%`, background: serviceColour(service) }}>
          {props.showCritical &&
            props.critical?.map(([s, e]) => (
              <div
                class="critical-segment"
                style={{
                  left: `${((Math.max(s, start) - start) / Math.max(1, end - start)) * 100}%`,
                  width: `${((e - Math.max(s, start)) / Math.max(1, end - start)) * 100}%`,
                }}
              />
            ))}
        </div>
        <span
          class="span-duration"
          style={left + width > 85 ? { right: `${100 - left - width}%`, paddingRight: "0.3rem" } : { left: `${left + width}%` }}
        >
          {duration(span.duration)}
        </span>
      </div>
    </div>
  );
}

function SpanDetail(props: { span: Span; traceStart: string; logs: number }) {
  const s = props.span;
  const service = s["service.name"] ?? "";
  return (
    <section class="span-detail" aria-label={`span ${s.name}`}>
      <h3>
        {s.name} <small>{s.kind}</small>
      </h3>
      <p class="facts">
        <Link href={href(["services", service])} class="service-link">
          {service} health
        </Link>{" "}
        · status <strong class={s.status.code.toLowerCase() === "error" ? "error" : ""}>{s.status.code}</strong>
        {s.status.message && <> ({s.status.message})</>} · duration {duration(s.duration)} · starts at{" "}
        {duration(offset(s.timestamp, props.traceStart))} · span id <code>{s.span_id}</code> ·{" "}
        <Link href={href(["logs"], { q: `span_id:${s.span_id}`, range: "7d" })}>{props.logs} {props.logs === 1 ? "log" : "logs"} of this span</Link>
      </p>
      <Attributes values={s.attributes} caption="Attributes" />
      {s.events.length > 0 && (
        <table class="attributes events">
          <caption>Events</caption>
          <tbody>
            {s.events.map((event) => (
              <tr>
                <th scope="row">
                  +{duration(offset(event.timestamp, s.timestamp))} {event.name}
                </th>
                <td>{Object.keys(event.attributes).length > 0 ? JSON.stringify(event.attributes) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.links.length > 0 && (
        <table class="attributes links">
          <caption>Links</caption>
          <tbody>
            {s.links.map((link) => (
              <tr>
                <th scope="row">
                  <Link href={href(["traces", link.trace_id], { span: link.span_id })}>
                    {link.trace_id} / {link.span_id}
                  </Link>
                </th>
                <td>{JSON.stringify(link.attributes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Attributes values={s.resource} caption="Resource" />
      <p class="facts">
        scope {s.scope.name}
        {s.scope.version && ` ${s.scope.version}`}
      </p>
    </section>
  );
}

/** The trace's logs beside the waterfall: all of them, or the selected span's. */
function TraceLogs(props: { logs: LogRecord[]; selected: string; onSpan: (spanId: string) => void }) {
  const [all, setAll] = useState(false);
  const ofSpan = props.logs.filter((l) => l.span_id === props.selected);
  const shown = props.selected && !all ? ofSpan : props.logs;
  return (
    <aside class="trace-logs" aria-label="logs of this trace">
      <h3>
        {props.selected && !all ? `Logs of the selected span (${ofSpan.length})` : `Logs of this trace (${props.logs.length})`}
      </h3>
      {props.selected && (
        <button type="button" class="link-button" onClick={() => setAll(!all)}>
          {all ? "only the selected span's" : `all ${props.logs.length} of the trace`}
        </button>
      )}
      {shown.length === 0 && <p class="muted">No log record carries this {props.selected && !all ? "span" : "trace"}'s id.</p>}
      <ol class="log-list">
        {shown.map((log) => {
          const lvl = level(log.severity_number);
          return (
            <li class="trace-log" data-span-id={log.span_id ?? ""}>
              <time>{timestamp(log.timestamp).slice(11)}</time>{" "}
              <span class="level" style={{ color: COLOURS[lvl] }}>
                {log.severity_text || lvl}
              </span>{" "}
              {typeof log.body === "string" ? log.body : JSON.stringify(log.body)}
              {log.span_id && (
                <>
                  {" "}
                  <button type="button" class="link-button span-of-log" onClick={() => props.onSpan(log.span_id!)}>
                    span {log.span_id}
                  </button>
                </>
              )}
            </li>
          );
        })}
      </ol>
    </aside>
  );
}

/** One trace: waterfall with minimap, critical path, find, span details, and its logs beside. */
export function TracePage(props: { traceId: string }) {
  const [params, setParams] = useUrlState();
  const answer = useLoad(() => get<TraceAnswer>(tracePath(props.traceId), {}), [props.traceId]);
  const trace = answer.data;
  const placed = useMemo(() => (trace ? place(trace) : []), [trace]);
  const critical: Segments = useMemo(() => criticalPath(placed), [placed]);
  const total = placed.reduce((max, p) => Math.max(max, p.end), 0);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [zoomed, setZoomed] = useState<[number, number] | null>(null);
  const [showCritical, setShowCritical] = useState(true);
  const [find, setFind] = useState(params.get("find") ?? "");
  const [current, setCurrent] = useState(0);
  const selected = params.get("span") ?? "";
  const findInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setCollapsed(new Set());
    setZoomed(null);
  }, [props.traceId]);
  // A deep link to a span (from a log line) opens its details and scrolls to it.
  useEffect(() => {
    if (!selected || !trace) return;
    document.querySelector(`[data-span-id="${CSS.escape(selected)}"]`)?.scrollIntoView({ block: "nearest" });
  }, [selected, trace]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "/" && document.activeElement?.tagName !== "INPUT") {
        e.preventDefault();
        findInput.current?.focus();
      }
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);

  if (answer.error) {
    return (
      <main class="trace">
        <h2>Trace {props.traceId}</h2>
        <ErrorNote error={answer.error} />
      </main>
    );
  }
  if (!trace) return <main class="trace"><p class="loading">Loading…</p></main>;

  const text = find.trim().toLowerCase();
  const found = placed.filter((p) => matches(p.span, text));
  const shown = visible(placed, collapsed);
  const view: [number, number] = zoomed ?? [0, Math.max(1, total)];
  const root = placed.find((p) => p.span.depth === 0) ?? placed[0];
  const select = (spanId: string) => setParams({ span: spanId === selected ? "" : spanId }, true);
  const goTo = (index: number) => {
    if (found.length === 0) return;
    const next = (index + found.length) % found.length;
    setCurrent(next);
    const id = found[next].span.span_id;
    // Open every collapsed ancestor so the match can be seen.
    const open = new Set(collapsed);
    let parent = found[next].span.parent_span_id;
    while (parent) {
      open.delete(parent);
      parent = placed.find((p) => p.span.span_id === parent)?.span.parent_span_id;
    }
    setCollapsed(open);
    setParams({ span: id }, true);
  };
  const toggle = (id: string) => {
    const next = new Set(collapsed);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setCollapsed(next);
  };

  return (
    <main class="trace">
      <header class="trace-header">
        <h2>
          {root ? (
            <>
              <span class="service">{root.span["service.name"]}</span>: {root.span.name}
            </>
          ) : (
            "Trace"
          )}{" "}
          <small>
            <code>{trace.trace_id}</code>
          </small>
        </h2>
        <p class="facts">
          {trace.start && timestamp(trace.start)} · duration {duration(trace.duration ?? 0)} ·{" "}
          <span data-testid="span-count">{trace.span_count}</span> spans · depth{" "}
          {placed.reduce((max, p) => Math.max(max, p.span.depth + 1), 0)} · services:{" "}
          {trace.services.map((service, i) => (
            <>
              {i > 0 && ", "}
              <Link href={href(["services", service])} class="service-link" title={`${service}: rate, errors and latency`}>
                <span class="service-chip" style={{ background: serviceColour(service) }} />
                {service}
              </Link>
            </>
          ))}
          {trace.partial && <strong> · partial: the lookup ran past its deadline</strong>}
        </p>
      </header>
      <div class="trace-tools">
        <input
          ref={findInput}
          type="search"
          name="find"
          placeholder="Find in trace (/)"
          aria-label="Find in trace"
          value={find}
          onInput={(e) => {
            setFind(e.currentTarget.value);
            setCurrent(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") goTo(e.shiftKey ? current - 1 : text === find.trim().toLowerCase() && selected ? current + 1 : 0);
          }}
        />
        {text && (
          <span class="muted" data-testid="find-count">
            {found.length} {found.length === 1 ? "match" : "matches"}
          </span>
        )}
        <label>
          <input type="checkbox" checked={showCritical} onChange={(e) => setShowCritical(e.currentTarget.checked)} /> critical
          path ({critical.size} spans)
        </label>
        <button type="button" onClick={() => setCollapsed(new Set())}>
          Expand all
        </button>
        <button
          type="button"
          onClick={() => setCollapsed(new Set(placed.filter((p) => p.children > 0 && p.span.depth > 0).map((p) => p.span.span_id)))}
        >
          Collapse all
        </button>
        {zoomed && (
          <button type="button" onClick={() => setZoomed(null)}>
            Whole trace
          </button>
        )}
        <Link href={href(["logs"], { q: `trace_id:${trace.trace_id}`, range: "7d" })}>Logs of this trace</Link>
      </div>
      <Minimap spans={placed} total={Math.max(1, total)} window={zoomed} onWindow={setZoomed} />
      <div class="trace-body">
        <section class="waterfall" aria-label="spans">
          <div class="span-row ticks" aria-hidden="true">
            <div class="span-name">Service: operation</div>
            <div class="span-track">
              {[0, 0.25, 0.5, 0.75].map((f) => (
                <span class="tick" style={{ left: `${f * 100}%` }}>
                  {duration(view[0] + f * (view[1] - view[0]))}
                </span>
              ))}
            </div>
          </div>
          {shown.map((p) => (
            <>
              <SpanRow
                placed={p}
                window={view}
                critical={critical.get(p.span.span_id)}
                showCritical={showCritical}
                collapsed={collapsed.has(p.span.span_id)}
                selected={p.span.span_id === selected}
                match={found.includes(p)}
                onToggle={() => toggle(p.span.span_id)}
                onSelect={() => select(p.span.span_id)}
              />
              {p.span.span_id === selected && (
                <SpanDetail
                  span={p.span}
                  traceStart={trace.start ?? p.span.timestamp}
                  logs={trace.logs.filter((l) => l.span_id === p.span.span_id).length}
                />
              )}
            </>
          ))}
        </section>
        <TraceLogs logs={trace.logs} selected={selected} onSpan={(id) => setParams({ span: id }, true)} />
      </div>
    </main>
  );
}
