import { render } from "preact";
import { CachesPage } from "./CachesPage";
import { LogsPage } from "./LogsPage";
import { MetricsPage } from "./MetricsPage";
import { Link, useLocation } from "./router";
import { ServicePage, ServicesPage } from "./ServicesPage";
import { TracePage } from "./TracePage";
import { TracesPage } from "./TracesPage";
import "./style.css";

const PAGES = [
  ["logs", "Logs"],
  ["traces", "Traces"],
  ["services", "Services"],
  ["metrics", "Metrics"],
  ["caches", "Caches"],
] as const;

/** The page for a path: /logs, /traces, /traces/{id}, /services, /services/{name}, /metrics, /caches. */
function Page(props: { path: string[] }) {
  const [section, id] = props.path;
  switch (section) {
    case "traces":
      return id ? <TracePage traceId={id} /> : <TracesPage />;
    case "services":
      return id ? <ServicePage service={id} /> : <ServicesPage />;
    case "metrics":
      return <MetricsPage />;
    case "caches":
      return <CachesPage />;
    default:
      return <LogsPage />;
  }
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
      </header>
      <Page path={path} />
    </>
  );
}

render(<App />, document.getElementById("app")!);
