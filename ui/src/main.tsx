import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { prefetch, tracePath } from "./api";
import { Link, useLocation } from "./router";
import { ThemeSwitch } from "./theme";
import "./style.css";

// Each page is its own chunk, loaded when first shown: a trace view does not wait for the
// charting library, nor the logs explorer for the waterfall.
const MODULES = {
  logs: () => import("./LogsPage"),
  traces: () => import("./TracesPage"),
  trace: () => import("./TracePage"),
  services: () => import("./ServicesPage"),
  metrics: () => import("./MetricsPage"),
  caches: () => import("./CachesPage"),
  alerts: () => import("./AlertsPage"),
};
type Modules = { [K in keyof typeof MODULES]?: Awaited<ReturnType<(typeof MODULES)[K]>> };
const loaded: Modules = {};

// A trace view's answer is asked for at once, while the view's code loads.
const opened = location.pathname.split("/").filter(Boolean);
if (opened[0] === "traces" && opened[1]) prefetch(tracePath(decodeURIComponent(opened[1])), {});

/** The module of a page, once loaded (re-rendering when it arrives). */
function useModule<K extends keyof typeof MODULES>(key: K): Modules[K] {
  const [, setVersion] = useState(0);
  useEffect(() => {
    if (loaded[key]) return;
    MODULES[key]().then((module) => {
      loaded[key] = module as Modules[K];
      setVersion((v) => v + 1);
    });
  }, [key]);
  return loaded[key];
}

const PAGES = [
  ["logs", "Logs"],
  ["traces", "Traces"],
  ["services", "Services"],
  ["metrics", "Metrics"],
  ["caches", "Caches"],
  ["alerts", "Alerts"],
] as const;

/** The page for a path: /logs, /traces, /traces/{id}, /services, /services/{name}, /metrics, /caches, /alerts. */
function Page(props: { path: string[] }) {
  const [section, id] = props.path;
  const key: keyof typeof MODULES =
    section === "traces" ? (id ? "trace" : "traces") : section in MODULES ? (section as keyof typeof MODULES) : "logs";
  const module = useModule(key);
  if (!module) {
    return (
      <main>
        <p class="loading">Loading…</p>
      </main>
    );
  }
  const { trace, traces, services, metrics, caches, alerts, logs } = loaded;
  if (key === "trace" && trace) return <trace.TracePage traceId={id} />;
  if (key === "traces" && traces) return <traces.TracesPage />;
  if (key === "services" && services) return id ? <services.ServicePage service={id} /> : <services.ServicesPage />;
  if (key === "metrics" && metrics) return <metrics.MetricsPage />;
  if (key === "caches" && caches) return <caches.CachesPage />;
  if (key === "alerts" && alerts) return <alerts.AlertsPage />;
  return logs ? <logs.LogsPage /> : null;
}

function App() {
  const where = useLocation();
  const path = where.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const section = path[0] ?? "logs";
  document.title = `${PAGES.find(([p]) => p === section)?.[1] ?? "Logs"} · Spyglass`;
  return (
    <>
      <header class="top">
        <Link class="brand" href="/">
          Spyglass
        </Link>
        <nav>
          {PAGES.map(([page, label]) => (
            <Link href={`/${page}`} current={section === page}>
              {label}
            </Link>
          ))}
        </nav>
        <ThemeSwitch />
      </header>
      <Page path={path} />
    </>
  );
}

render(<App />, document.getElementById("app")!);
