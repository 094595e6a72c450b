import { useEffect, useState } from "preact/hooks";
import { ErrorNote, get, SendDataHint, useLoad, type AggregateResult, type SearchResult } from "./api";
import { quantity } from "./format";
import { label, lines, series } from "./metrics";
import { TimeChart } from "./TimeChart";
import { absolute, seconds, TimePicker, timeRange } from "./time";
import { useUrlState } from "./url";

const AGGREGATIONS = ["avg", "sum", "min", "max", "count", "last", "rate", "p50", "p90", "p95", "p99"];

interface Point {
  "metric.name": string;
  "metric.unit": string;
  "metric.type": string;
  is_monotonic?: boolean;
}

/** The aggregation that fits a metric when none is chosen: rate for counters, p95 for histograms. */
function defaultAgg(point: Point | undefined): string {
  if (!point) return "avg";
  if (point["metric.type"] === "histogram" || point["metric.type"] === "exponential_histogram") return "p95";
  if (point["metric.type"] === "sum" && point.is_monotonic !== false) return "rate";
  return "avg";
}

/** Pick a metric, an aggregation and a group-by; see its series. */
export function MetricsPage() {
  const [params, setParams] = useUrlState();
  const range = timeRange(params);
  const name = params.get("name") ?? "";
  const names = useLoad(
    () => get<AggregateResult>("/api/v1/metrics/aggregate", { ...range, group_by: "metric.name", size: "1000" }),
    [range.start, range.end],
  );
  const sample = useLoad(
    () =>
      name
        ? get<SearchResult<Point>>("/api/v1/metrics/search", { q: `metric.name:"${name}"`, ...range, limit: "1" })
        : Promise.resolve(null),
    [name, range.start, range.end],
  );
  const fields = useLoad(() => get<{ fields: { name: string }[] }>("/api/v1/fields", { signal: "metrics" }), []);
  const point = sample.data?.hits[0];
  const agg = params.get("agg") ?? defaultAgg(point);
  const groupBy = params.get("group_by") ?? "";
  const q = params.get("q") ?? "";
  const [draftGroup, setDraftGroup] = useState(groupBy);
  const [draftQ, setDraftQ] = useState(q);
  useEffect(() => {
    setDraftGroup(groupBy);
    setDraftQ(q);
  }, [groupBy, q]);
  useEffect(() => {
    const first = names.data?.buckets[0]?.key["metric.name"];
    if (!name && first) setParams({ name: first }, true);
  }, [name, names.data]);
  const answer = useLoad(
    () => (name && sample.data !== null ? series(name, agg, groupBy, range, q) : Promise.resolve(null)),
    [name, agg, groupBy, q, range.start, range.end, sample.data],
  );
  const unit = agg === "rate" || agg === "count" ? "" : point?.["metric.unit"] ?? "";
  const chart = lines(answer.data);
  return (
    <main class="metrics">
      <form
        class="query-bar"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ group_by: draftGroup, q: draftQ });
        }}
      >
        <select aria-label="Metric" name="name" value={name} onChange={(e) => setParams({ name: e.currentTarget.value, agg: "" })}>
          {(names.data?.buckets ?? []).length === 0 && <option value="">no metrics yet</option>}
          {(names.data?.buckets ?? [])
            .map((b) => b.key["metric.name"])
            .sort()
            .map((n) => (
              <option value={n}>{n}</option>
            ))}
        </select>
        <select aria-label="Aggregation" name="agg" value={agg} onChange={(e) => setParams({ agg: e.currentTarget.value })}>
          {AGGREGATIONS.map((a) => (
            <option value={a}>{a}</option>
          ))}
        </select>
        <input
          name="group_by"
          aria-label="Group by"
          list="metric-fields"
          placeholder="group by: resource.host.name, attributes.state"
          value={draftGroup}
          onInput={(e) => setDraftGroup(e.currentTarget.value)}
        />
        <datalist id="metric-fields">
          {["service.name", ...(fields.data?.fields ?? []).map((f) => f.name).filter((f) => f.startsWith("attributes.") || f.startsWith("resource."))].map((f) => (
            <option value={f} />
          ))}
        </datalist>
        <input name="q" aria-label="Filter" placeholder="filter: resource.host.name:web-1" value={draftQ} onInput={(e) => setDraftQ(e.currentTarget.value)} />
        <TimePicker params={params} set={setParams} />
        <button type="submit">Show</button>
      </form>
      <ErrorNote error={names.error ?? answer.error} />
      {names.data && names.data.buckets.length === 0 && <SendDataHint what="metrics" />}
      {answer.data && (
        <>
          <p class="summary">
            {name}
            {point?.["metric.unit"] && ` (${point["metric.unit"]})`} · {point?.["metric.type"]} · {agg} per {answer.data.step} ·{" "}
            <span data-testid="series-count">{answer.data.series.length}</span> series
            {answer.data.partial && " (partial: the query ran past its deadline)"}
          </p>
          <TimeChart
            span={seconds(range)}
            title={`${agg}(${name})`}
            times={chart.times}
            lines={chart.lines}
            format={(v) => quantity(v, unit)}
            height={260}
            onZoom={(from, to) => setParams(absolute(from, to))}
          />
          <table class="series-table">
            <thead>
              <tr>
                <th scope="col">Series</th>
                <th scope="col">Last</th>
              </tr>
            </thead>
            <tbody>
              {answer.data.series.map((s) => {
                const values = s.points.map((p) => p.value).filter((v): v is number => v !== null);
                return (
                  <tr>
                    <th scope="row">{label(s.labels)}</th>
                    <td>{quantity(values.length ? values[values.length - 1] : null, unit)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      {answer.loading && <p class="loading">Loading…</p>}
    </main>
  );
}
