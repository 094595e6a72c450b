import { useState } from "preact/hooks";
import { ErrorNote, get, SendDataHint, useLoad } from "./api";
import { serviceColour } from "./colours";
import { duration, quantity, rate } from "./format";
import { ENTRY_SPANS, errorRatio, red, term, type RedGroup } from "./red";
import { href, Link } from "./router";
import { ServiceMap, type Dependency } from "./ServiceMap";
import { TimeChart } from "./TimeChart";
import { millis, seconds, TimePicker, timeRange } from "./time";
import { useUrlState } from "./url";

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.01 ? 2 : 1)}%`;
}

function Sparkline(props: { group: RedGroup }) {
  const times = props.group.histogram.map((b) => Date.parse(b.start) / 1000);
  return (
    <TimeChart
      sparkline
      times={times}
      lines={[{ label: "rate", values: props.group.histogram.map((b) => b.rate) }]}
      format={rate}
    />
  );
}

/** One row per service or operation: rate, error %, p50/p95/p99 and the rate over time. */
export function RedTable(props: { groups: RedGroup[]; operations: boolean }) {
  return (
    <table class="red-table">
      <thead>
        <tr>
          <th scope="col">{props.operations ? "Operation" : "Service"}</th>
          <th scope="col">Rate</th>
          <th scope="col">Error %</th>
          <th scope="col">p50</th>
          <th scope="col">p95</th>
          <th scope="col">p99</th>
          <th scope="col">Rate over time</th>
        </tr>
      </thead>
      <tbody>
        {props.groups.map((g) => {
          const service = g.key["service.name"] ?? "";
          const name = g.key.name;
          return (
            <tr data-service={service} data-operation={name ?? ""}>
              <th scope="row">
                {props.operations ? (
                  <Link href={href(["traces"], { service, operation: name, range: "" })}>{name}</Link>
                ) : (
                  <Link href={href(["services", service])} class="service-link">
                    <span class="service-chip" style={{ background: serviceColour(service) }} />
                    {service}
                  </Link>
                )}
              </th>
              <td class="rate">{rate(g.rate)}</td>
              <td class={`errors${g.errors > 0 ? " error" : ""}`}>{percent(errorRatio(g))}</td>
              <td>{duration(g["p50(duration)"] ?? NaN)}</td>
              <td>{duration(g["p95(duration)"] ?? NaN)}</td>
              <td>{duration(g["p99(duration)"] ?? NaN)}</td>
              <td>
                <Sparkline group={g} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Which spans count: entry spans (what a service is asked to do), or all of them. */
export function useSpanScope(params: URLSearchParams, set: (c: Record<string, string>) => void) {
  const all = params.get("spans") === "all";
  const picker = (
    <label>
      <select aria-label="Spans counted" value={all ? "all" : "entry"} onChange={(e) => set({ spans: e.currentTarget.value === "all" ? "all" : "" })}>
        <option value="entry">server and consumer spans</option>
        <option value="all">all spans</option>
      </select>
    </label>
  );
  return { filter: all ? "" : ENTRY_SPANS, picker };
}

/** Every service with its health, and the map of who calls whom. */
export function ServicesPage() {
  const [params, setParams] = useUrlState();
  const range = timeRange(params);
  const scope = useSpanScope(params, setParams);
  const services = useLoad(() => red(scope.filter, range, "service.name"), [range.start, range.end, scope.filter]);
  const map = useLoad(
    () => {
      const end = millis(range.end);
      return get<{ data: Dependency[] }>("/api/dependencies", {
        endTs: String(Math.round(end)),
        lookback: String(Math.round(end - millis(range.start))),
      });
    },
    [range.start, range.end],
  );
  const [filter, setFilter] = useState("");
  const groups = (services.data?.buckets ?? []).filter((g) => (g.key["service.name"] ?? "").includes(filter));
  return (
    <main class="services">
      <div class="query-bar">
        <input type="search" aria-label="Filter services" placeholder="Filter services" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        {scope.picker}
        <TimePicker params={params} set={setParams} />
      </div>
      <ErrorNote error={services.error ?? map.error} />
      {services.data && services.data.buckets.length === 0 && <SendDataHint what="spans" />}
      {groups.length > 0 && <RedTable groups={groups} operations={false} />}
      {map.data && map.data.data.length > 0 && (
        <section>
          <h3>Service map</h3>
          <ServiceMap links={map.data.data} />
        </section>
      )}
      {services.loading && <p class="loading">Loading…</p>}
    </main>
  );
}

/** One service's health: rate, errors and latency over time, its operations, its traces and logs. */
export function ServicePage(props: { service: string }) {
  const [params, setParams] = useUrlState();
  const range = timeRange(params);
  const scope = useSpanScope(params, setParams);
  const q = [`service.name:${term(props.service)}`, scope.filter].filter(Boolean).map((c) => `(${c})`).join(" AND ");
  const overall = useLoad(() => red(q, range, "service.name", 1), [q, range.start, range.end]);
  const operations = useLoad(() => red(q, range, "service.name,name"), [q, range.start, range.end]);
  const group = overall.data?.buckets[0];
  const times = group?.histogram.map((b) => Date.parse(b.start) / 1000) ?? [];
  const zoom = (from: number, to: number) =>
    setParams({ range: "", start: new Date(from * 1000).toISOString(), end: new Date(to * 1000).toISOString() });
  return (
    <main class="service">
      <h2>
        <span class="service-chip" style={{ background: serviceColour(props.service) }} />
        {props.service}
      </h2>
      <div class="query-bar">
        <Link href={href(["traces"], { service: props.service })}>Traces</Link>
        <Link href={href(["traces"], { service: props.service, tags: "error=true" })}>Error traces</Link>
        <Link href={href(["logs"], { q: `service.name:${term(props.service)}` })}>Logs</Link>
        {scope.picker}
        <TimePicker params={params} set={setParams} />
      </div>
      <ErrorNote error={overall.error ?? operations.error} />
      {overall.data && !group && <SendDataHint what={`spans of ${props.service}`} />}
      {group && (
        <>
          <p class="facts health" data-testid="health">
            rate <strong data-testid="rate">{rate(group.rate)}</strong> · errors{" "}
            <strong data-testid="error-ratio">{percent(errorRatio(group))}</strong> ({group.errors} of {group.count}) · p50{" "}
            {duration(group["p50(duration)"] ?? NaN)} · p95 {duration(group["p95(duration)"] ?? NaN)} · p99{" "}
            {duration(group["p99(duration)"] ?? NaN)}
          </p>
          <div class="charts">
            <TimeChart span={seconds(range)} title="Requests per second" times={times} lines={[{ label: "rate", values: group.histogram.map((b) => b.rate) }]} format={rate} onZoom={zoom} />
            <TimeChart
              span={seconds(range)}
              title="Errors per bucket"
              times={times}
              lines={[{ label: "errors", values: group.histogram.map((b) => b.errors), colour: "#ff3b30" }]}
              format={(v) => quantity(v)}
              onZoom={zoom}
            />
            <TimeChart
              span={seconds(range)}
              title="Latency"
              times={times}
              lines={[
                { label: "p50", values: group.histogram.map((b) => b["p50(duration)"]) },
                { label: "p95", values: group.histogram.map((b) => b["p95(duration)"]) },
                { label: "p99", values: group.histogram.map((b) => b["p99(duration)"]) },
              ]}
              format={duration}
              onZoom={zoom}
            />
          </div>
        </>
      )}
      {operations.data && operations.data.buckets.length > 0 && (
        <section>
          <h3>Operations</h3>
          <RedTable groups={operations.data.buckets} operations />
        </section>
      )}
    </main>
  );
}
