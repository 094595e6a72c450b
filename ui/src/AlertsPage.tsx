import { ErrorNote, get, useLoad, type LogRecord, type SearchResult } from "./api";
import { timestamp } from "./format";
import { href, Link } from "./router";
import { TimePicker, timeRange } from "./time";
import { useUrlState } from "./url";

// GET /api/v1/rules and /api/v1/alerts, in Prometheus's shapes (see /api/v1/openapi.json).
export interface AlertInstance {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: "pending" | "firing";
  activeAt: string;
  firedAt?: string;
  keepFiringSince?: string;
  value: string;
}

export interface AlertingRule {
  name: string;
  query: string;
  state: "inactive" | "pending" | "firing";
  duration: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: AlertInstance[];
  health: "ok" | "err" | "unknown";
  lastError: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: "alerting";
}

export interface RuleGroup {
  name: string;
  file: string;
  interval: number;
  rules: AlertingRule[];
  lastEvaluation: string;
  evaluationTime: number;
}

interface RulesAnswer {
  status: string;
  data: { groups: RuleGroup[] };
}

const HISTORY = "attributes.event.name:alert.state_change";
const NEVER = "0001-01-01T00:00:00Z";

/** A value as Prometheus writes it ("1.25e+01"), the way people read it. */
function value(text: string): string {
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3);
}

/** How long ago {@code text} (RFC 3339) was: 45s, 12m, 3h 5m. */
function since(text: string): string {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(text)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

function Labels(props: { labels: Record<string, string>; skip?: string[] }) {
  const shown = Object.entries(props.labels).filter(([k]) => !(props.skip ?? []).includes(k));
  return (
    <span class="labels">
      {shown.map(([k, v]) => (
        <code class="label">
          {k}={v}
        </code>
      ))}
    </span>
  );
}

function State(props: { state: string }) {
  return <span class={`alert-state ${props.state}`}>{props.state}</span>;
}

/** The earliest time any instance of the rule became active: since when it has been pending or firing. */
function activeSince(rule: AlertingRule): string | undefined {
  return rule.alerts.map((a) => a.activeAt).sort()[0];
}

function RuleRow(props: { group: RuleGroup; rule: AlertingRule; open: boolean; toggle: () => void }) {
  const { rule } = props;
  const first = activeSince(rule);
  const top = rule.alerts.map((a) => Number(a.value)).filter(Number.isFinite);
  return (
    <>
      <tr class="rule" data-rule={rule.name} data-state={rule.state}>
        <td>
          <button class="link-button" aria-expanded={props.open} onClick={props.toggle}>
            {props.open ? "▾" : "▸"} {rule.name}
          </button>
        </td>
        <td>{props.group.name}</td>
        <td>
          <State state={rule.state} />
        </td>
        <td class="value">{top.length ? value(String(Math.max(...top))) : "–"}</td>
        <td class="since" title={first}>
          {first ? since(first) : "–"}
        </td>
        <td class="instances">{rule.alerts.length}</td>
        <td class={`health ${rule.health}`} title={rule.lastError}>
          {rule.health}
        </td>
        <td title={rule.lastEvaluation}>{rule.lastEvaluation === NEVER ? "never" : `${since(rule.lastEvaluation)} ago`}</td>
      </tr>
      {props.open && (
        <tr class="rule-detail">
          <td colSpan={8}>
            <pre class="rule-query">{rule.query}</pre>
            <p>
              for {rule.duration}s{rule.keepFiringFor > 0 ? `, keep firing for ${rule.keepFiringFor}s` : ""}, every {props.group.interval}s ·{" "}
              <code>{props.group.file}</code>
            </p>
            {rule.lastError && <p class="error">{rule.lastError}</p>}
            <Labels labels={rule.labels} />
            {Object.entries(rule.annotations).map(([k, v]) => (
              <p>
                <b>{k}</b>: <code>{v}</code>
              </p>
            ))}
            {rule.alerts.length > 0 && <Instances alerts={rule.alerts} />}
          </td>
        </tr>
      )}
    </>
  );
}

function Instances(props: { alerts: AlertInstance[] }) {
  return (
    <table class="alert-instances">
      <thead>
        <tr>
          <th>Alert</th>
          <th>Labels</th>
          <th>State</th>
          <th>Value</th>
          <th>Since</th>
          <th>Summary</th>
        </tr>
      </thead>
      <tbody>
        {props.alerts.map((a) => (
          <tr data-alert={a.labels.alertname} data-state={a.state}>
            <td>{a.labels.alertname}</td>
            <td>
              <Labels labels={a.labels} skip={["alertname"]} />
            </td>
            <td>
              <State state={a.state} />
            </td>
            <td class="value">{value(a.value)}</td>
            <td class="since" title={a.activeAt}>
              {since(a.activeAt)}
            </td>
            <td class="summary">{a.annotations.summary ?? a.annotations.description ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function History(props: { range: { start: string; end: string }; rule: string }) {
  const q = props.rule ? `${HISTORY} AND attributes.alert.name:${props.rule}` : HISTORY;
  const history = useLoad(() => get<SearchResult<LogRecord>>("/api/v1/logs/search", { q, ...props.range, limit: "100" }), [q, props.range.start, props.range.end], 10_000);
  return (
    <section class="alert-history">
      <h2>
        History <Link href={href(["logs"], { q, start: props.range.start, end: props.range.end })}>in Logs</Link>
      </h2>
      <ErrorNote error={history.error} />
      {history.data && history.data.hits.length === 0 && <p class="empty">No alert changed state in this time range.</p>}
      <ol class="history">
        {(history.data?.hits ?? []).map((h) => {
          const a = h.attributes as Record<string, string | number>;
          const labels = Object.fromEntries(
            Object.entries(a)
              .filter(([k]) => k.startsWith("alert.labels.") && k !== "alert.labels.alertname")
              .map(([k, v]) => [k.slice("alert.labels.".length), String(v)]),
          );
          return (
            <li data-state={String(a["alert.state"])}>
              <time>{timestamp(h.timestamp)}</time> <b>{String(a["alert.name"])}</b> <Labels labels={labels} /> {String(a["alert.previous_state"])} →{" "}
              <State state={String(a["alert.state"])} />
              {a["alert.annotations.summary"] ? <span class="summary"> {String(a["alert.annotations.summary"])}</span> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** Alert rules with their state, the instances firing now, and every state change in the time range. */
export function AlertsPage() {
  const [params, setParams] = useUrlState();
  const range = timeRange(params);
  const stateFilter = params.get("state") ?? "";
  const ruleFilter = params.get("rule") ?? "";
  const open = new Set((params.get("open") ?? "").split(",").filter(Boolean));
  const rules = useLoad(() => get<RulesAnswer>("/api/v1/rules", {}), [], 5_000);
  const groups = rules.data?.data.groups ?? [];
  const all = groups.flatMap((g) => g.rules.map((r) => ({ group: g, rule: r })));
  const shown = all.filter(({ rule }) => (!stateFilter || rule.state === stateFilter) && (!ruleFilter || rule.name === ruleFilter));
  const active = all.flatMap(({ rule }) => rule.alerts);
  const count = (state: string) => all.filter(({ rule }) => rule.state === state).length;
  const toggle = (name: string) => {
    const next = new Set(open);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    setParams({ open: [...next].join(",") }, true);
  };
  return (
    <main class="alerts">
      <div class="query-bar">
        <select aria-label="State" value={stateFilter} onChange={(e) => setParams({ state: e.currentTarget.value })}>
          <option value="">every state</option>
          <option value="firing">firing ({count("firing")})</option>
          <option value="pending">pending ({count("pending")})</option>
          <option value="inactive">inactive ({count("inactive")})</option>
        </select>
        {ruleFilter && (
          <button class="link-button" onClick={() => setParams({ rule: "" })}>
            rule {ruleFilter} ✕
          </button>
        )}
        <TimePicker params={params} set={setParams} />
      </div>
      <ErrorNote error={rules.error} />
      {rules.data && all.length === 0 && (
        <div class="empty">
          <p>No alert rules are loaded.</p>
          <p>
            Name rule files in the configuration — <code>extensions: {"{"} alerts: {"{"} rule_files: [rules.yaml] {"}"} {"}"}</code> and{" "}
            <code>service.extensions: [api, alerts]</code> — as docs/alerts.md shows.
          </p>
        </div>
      )}
      {active.length > 0 && (
        <section class="firing-now">
          <h2>
            Firing and pending <span class="count">{active.length}</span>
          </h2>
          <Instances alerts={active} />
        </section>
      )}
      {all.length > 0 && (
        <table class="alert-rules">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Group</th>
              <th>State</th>
              <th>Value</th>
              <th>Since</th>
              <th>Instances</th>
              <th>Health</th>
              <th>Evaluated</th>
            </tr>
          </thead>
          <tbody>
            {shown.map(({ group, rule }) => (
              <RuleRow group={group} rule={rule} open={open.has(rule.name)} toggle={() => toggle(rule.name)} />
            ))}
          </tbody>
        </table>
      )}
      <History range={range} rule={ruleFilter} />
    </main>
  );
}
