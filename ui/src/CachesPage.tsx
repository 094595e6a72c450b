import { ErrorNote, get, useLoad, type LogRecord, type SearchResult } from "./api";
import { duration, quantity, rate, timestamp } from "./format";
import { latest, lines, series, type SeriesAnswer } from "./metrics";
import { red, term } from "./red";
import { href, Link } from "./router";
import { TimeChart } from "./TimeChart";
import { absolute, seconds, TimePicker, timeRange, type TimeRange } from "./time";
import { useUrlState } from "./url";

const NODE = "resource.redis.node.address";

/** The Redis receiver's metrics this page reads, each the way it is best aggregated. */
const PANELS = {
  up: ["redis.up", "last"],
  role: ["redis.role", "last"],
  hitRatio: ["redis.keyspace.hit_ratio", "last"],
  ops: ["redis.commands.processed", "rate"],
  memory: ["redis.memory.used", "max"],
  maxmemory: ["redis.maxmemory", "last"],
  evicted: ["redis.keys.evicted", "rate"],
  clients: ["redis.clients.connected", "last"],
  lag: ["redis.replica.lag", "max"],
} as const;

type Panel = keyof typeof PANELS;

function usePanels(range: TimeRange, q: string) {
  return useLoad(async () => {
    const entries = await Promise.all(
      (Object.keys(PANELS) as Panel[]).map(async (panel) => {
        const [name, agg] = PANELS[panel];
        const groupBy = panel === "role" ? `${NODE},attributes.role` : panel === "lag" ? `${NODE},attributes.replica` : NODE;
        return [panel, await series(name, agg, groupBy, range, q)] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<Panel, SeriesAnswer>;
  }, [range.start, range.end, q]);
}

/** The role each node last reported (the series of redis.role whose last point is newest). */
function roles(answer: SeriesAnswer | undefined): Map<string, string> {
  const newest = new Map<string, [string, string]>();
  for (const s of answer?.series ?? []) {
    const points = s.points.filter((p) => p.value !== null);
    const last = points[points.length - 1];
    if (!last) continue;
    const node = s.labels[NODE];
    const seen = newest.get(node);
    if (!seen || seen[0] < last.timestamp) newest.set(node, [last.timestamp, s.labels["attributes.role"]]);
  }
  return new Map([...newest].map(([node, [, role]]) => [node, role]));
}

function Chart(props: { span: [number, number]; title: string; answer: SeriesAnswer | undefined; unit: string; onZoom: (a: number, b: number) => void; extra?: SeriesAnswer }) {
  if (!props.answer || props.answer.series.length === 0) return null;
  // Memory against maxmemory: the limit drawn as its own line per node.
  const limits = (props.extra?.series ?? []).map((s) => ({ ...s, labels: { ...s.labels, limit: "maxmemory" } }));
  const chart = lines({ ...props.answer, series: [...props.answer.series, ...limits] });
  return <TimeChart span={props.span} title={props.title} times={chart.times} lines={chart.lines} format={(v) => quantity(v, props.unit)} onZoom={props.onZoom} />;
}

/** The maxmemory series of the nodes that have a limit (0 is "no limit"), or nothing. */
function limits(answer: SeriesAnswer): SeriesAnswer | undefined {
  const limited = answer.series.filter((s) => s.points.some((p) => (p.value ?? 0) > 0));
  return limited.length > 0 ? { ...answer, series: limited } : undefined;
}

/** Redis nodes, their health over time, slow commands, and the app spans that call them. */
export function CachesPage() {
  const [params, setParams] = useUrlState();
  const range = timeRange(params);
  const node = params.get("node") ?? "";
  const q = node ? `${NODE}:${term(node)}` : "";
  const panels = usePanels(range, q);
  const slow = useLoad(
    () =>
      get<SearchResult<LogRecord>>("/api/v1/logs/search", {
        q: ["attributes.db.system.name:redis AND attributes.redis.slowlog.duration_us:>=0", q].filter(Boolean).join(" AND "),
        ...range,
        limit: "20",
      }),
    [range.start, range.end, q],
  );
  const p = panels.data;
  const up = latest(p?.up ?? null, NODE);
  const nodes = [...up.keys()].sort();
  const role = roles(p?.role);
  const hosts = [...new Set(nodes.map((n) => n.replace(/:\d+$/, "")))];
  const calls = useLoad(
    () =>
      Promise.all(
        hosts.map(async (host) => ({
          host,
          answer: await red(
            `(attributes.db.system:redis OR attributes.db.system.name:redis) AND attributes.server.address:${term(host)}`,
            range,
            "service.name,name",
            50,
          ),
        })),
      ),
    [hosts.join(","), range.start, range.end],
  );
  const zoom = (from: number, to: number) => setParams(absolute(from, to));
  const span = seconds(range);
  const values = (panel: Panel) => latest(p?.[panel] ?? null, NODE);
  const hit = values("hitRatio");
  const ops = values("ops");
  const memory = values("memory");
  const maxmemory = values("maxmemory");
  const evicted = values("evicted");
  const clients = values("clients");
  return (
    <main class="caches">
      <div class="query-bar">
        <select aria-label="Node" value={node} onChange={(e) => setParams({ node: e.currentTarget.value })}>
          <option value="">all nodes</option>
          {nodes.map((n) => (
            <option value={n}>{n}</option>
          ))}
        </select>
        <TimePicker params={params} set={setParams} />
      </div>
      <ErrorNote error={panels.error ?? slow.error ?? calls.error} />
      {p && nodes.length === 0 && (
        <div class="empty">
          <p>No Redis node reported in this time range.</p>
          <p>
            Add the Redis receiver to Spyglass's configuration (docs/cache-monitoring.md):{" "}
            <code>receivers: {"{"} redis: {"{"} endpoint: "127.0.0.1:6379", collection_interval: 10s {"}"} {"}"}</code> and a
            metrics pipeline that uses it.
          </p>
        </div>
      )}
      {nodes.length > 0 && (
        <table class="cache-nodes">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Up</th>
              <th scope="col">Role</th>
              <th scope="col">Hit ratio</th>
              <th scope="col">Ops/s</th>
              <th scope="col">Memory / maxmemory</th>
              <th scope="col">Evictions/s</th>
              <th scope="col">Clients</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <tr data-node={n}>
                <th scope="row">
                  <Link href={href(["caches"], { node: n, range: params.get("range") ?? undefined })}>{n}</Link>
                </th>
                <td class={up.get(n) === 1 ? "up" : "down error"}>{up.get(n) === 1 ? "up" : "down"}</td>
                <td class="role">{role.get(n) ?? "–"}</td>
                <td class="hit-ratio">{quantity(hit.get(n) ?? null, "1")}</td>
                <td class="ops">{quantity(ops.get(n) ?? null)}</td>
                <td class="memory">
                  {quantity(memory.get(n) ?? null, "By")} / {maxmemory.get(n) ? quantity(maxmemory.get(n)!, "By") : "no limit"}
                </td>
                <td class="evictions">{quantity(evicted.get(n) ?? null)}</td>
                <td class="clients">{quantity(clients.get(n) ?? null)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p && nodes.length > 0 && (
        <div class="charts">
          <Chart span={span} title="Hit ratio" answer={p.hitRatio} unit="1" onZoom={zoom} />
          <Chart span={span} title="Commands per second" answer={p.ops} unit="" onZoom={zoom} />
          <Chart span={span} title="Memory used (and maxmemory)" answer={p.memory} extra={limits(p.maxmemory)} unit="By" onZoom={zoom} />
          <Chart span={span} title="Evictions per second" answer={p.evicted} unit="" onZoom={zoom} />
          <Chart span={span} title="Connected clients" answer={p.clients} unit="" onZoom={zoom} />
          <Chart span={span} title="Replication lag (s)" answer={p.lag} unit="s" onZoom={zoom} />
        </div>
      )}
      {slow.data && (
        <section>
          <h3>Slow log ({slow.data.total})</h3>
          {slow.data.hits.length === 0 ? (
            <p class="muted">No command ran slower than the nodes' slowlog-log-slower-than in this range.</p>
          ) : (
            <table class="slowlog">
              <tbody>
                {slow.data.hits.map((r) => (
                  <tr>
                    <td>{timestamp(r.timestamp)}</td>
                    <td>{String(r.resource["redis.node.address"] ?? "")}</td>
                    <td>{duration(Number(r.attributes["redis.slowlog.duration_us"]) * 1000)}</td>
                    <td>
                      <code>{typeof r.body === "string" ? r.body : JSON.stringify(r.body)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {(calls.data ?? []).map(({ host, answer }) => (
        <section class="cache-callers" data-host={host}>
          <h3>App spans calling Redis on {host}</h3>
          {answer.buckets.length === 0 ? (
            <p class="muted">
              No span with <code>db.system=redis</code> and <code>server.address={host}</code> in this range.
            </p>
          ) : (
            <table class="red-table">
              <thead>
                <tr>
                  <th scope="col">Service: operation</th>
                  <th scope="col">Rate</th>
                  <th scope="col">Errors</th>
                  <th scope="col">p95</th>
                </tr>
              </thead>
              <tbody>
                {answer.buckets.map((b) => (
                  <tr>
                    <th scope="row">
                      <Link href={href(["traces"], { service: b.key["service.name"], operation: b.key.name, tags: `server.address=${host}` })}>
                        {b.key["service.name"]}: {b.key.name}
                      </Link>
                    </th>
                    <td>{rate(b.rate)}</td>
                    <td>{b.errors}</td>
                    <td>{duration(b["p95(duration)"] ?? NaN)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
      {panels.loading && <p class="loading">Loading…</p>}
    </main>
  );
}
