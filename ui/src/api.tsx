import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
// The query API's answers, as the UI reads them (GET /api/v1/openapi.json describes them).

export interface LogRecord {
  timestamp: string;
  "service.name"?: string;
  severity_number: number;
  severity_text: string;
  body: unknown;
  trace_id?: string;
  span_id?: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: { name: string; version?: string; attributes?: Record<string, unknown> };
  highlight?: { body?: string };
  "pattern.id"?: string;
  "pattern.template"?: string;
}

export interface SearchResult<T> {
  total: number;
  hits: T[];
  next_cursor: string | null;
  took_ms: number;
  partial: boolean;
}

export interface AggregateResult {
  total: number;
  other_count: number;
  interval: string | null;
  buckets: {
    key: Record<string, string>;
    count: number;
    histogram?: { start: string; count: number }[];
  }[];
  partial: boolean;
}

/** An answer the API refused, with its own code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Where the API answers a trace. */
export function tracePath(traceId: string): string {
  return `/api/v1/traces/${encodeURIComponent(traceId)}`;
}

// Answers asked for before the page that needs them has loaded (see prefetch), by URL.
const early = new Map<string, Promise<unknown>>();

/**
 * Starts {@code get(path, params)} now, for a page whose code is still loading: its own call
 * with the same arguments then takes this answer instead of asking again.
 */
export function prefetch(path: string, params: Record<string, string>) {
  early.set(`${path}?${new URLSearchParams(params)}`, fetchJson(path, params));
}

export function get<T>(path: string, params: Record<string, string>): Promise<T> {
  const key = `${path}?${new URLSearchParams(params)}`;
  const started = early.get(key);
  if (started) {
    early.delete(key);
    return started as Promise<T>;
  }
  return fetchJson<T>(path, params);
}

// The API token, when the API asks for one (extensions.api.auth): kept for this tab only, sent as
// a header, never put in a URL.
const TOKEN = "spyglass.api-token";

function apiToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN);
  } catch {
    return null;
  }
}

// The tenant to read (X-Scope-OrgID), when the store keeps tenants apart and the token is not bound
// to one: kept for this tab too.
const TENANT = "spyglass.tenant";

function apiTenant(): string | null {
  try {
    return sessionStorage.getItem(TENANT);
  } catch {
    return null;
  }
}

/** The headers of every API request: JSON, the token and the tenant if they were given. */
export function apiHeaders(): Record<string, string> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = apiToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const tenant = apiTenant();
  if (tenant) headers["X-Scope-OrgID"] = tenant;
  return headers;
}

async function fetchJson<T>(path: string, params: Record<string, string>): Promise<T> {
  const query = new URLSearchParams(params).toString();
  let response: Response;
  try {
    response = await fetch(`${path}?${query}`, { headers: apiHeaders() });
  } catch {
    throw new ApiError(0, "unreachable", "Spyglass's API does not answer: is it running?");
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(response.status, "not_json", `the API answered ${response.status}: ${text.slice(0, 200)}`);
  }
  const error = (body as { error?: { code?: string; message?: string } }).error;
  if (response.status === 401 && error?.code === "no_tenant") askForTenant(false);
  else if (response.status === 401) askForToken();
  else if (response.status === 400 && error?.code === "invalid_tenant") askForTenant(true);
  if (!response.ok) {
    throw new ApiError(response.status, error?.code ?? "error", error?.message ?? `HTTP ${response.status}`);
  }
  return body as T;
}

export interface Loading<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
}

/**
 * What {@code load} answers, loaded again whenever {@code deps} change; an answer that arrives
 * after newer deps is dropped. {@code every} (ms) loads again on a timer, keeping what is shown.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], every = 0): Loading<T> {
  const [state, setState] = useState<Loading<T>>({ data: null, error: null, loading: true });
  useEffect(() => {
    let current = true;
    const run = () => {
      setState((s) => ({ ...s, loading: true }));
      Promise.resolve()
        .then(load)
        .then((data) => current && setState({ data, error: null, loading: false }))
        .catch(
          (e: unknown) =>
            current &&
            setState({
              data: null,
              error: e instanceof ApiError ? e : new ApiError(0, "error", String(e)),
              loading: false,
            }),
        );
    };
    run();
    const timer = every > 0 ? setInterval(run, every) : undefined;
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, deps);
  return state;
}

/** The API's refusal, shown as it said it. */
export function ErrorNote(props: { error: ApiError | null }) {
  if (!props.error) return null;
  return (
    <p class="error" role="alert">
      {props.error.message} <code>{props.error.code}</code>
    </p>
  );
}

let asked = false;

/** Puts the token form above whatever page is open, once. */
function askForToken() {
  if (asked) return;
  asked = true;
  const host = document.createElement("div");
  host.id = "token-prompt";
  document.body.prepend(host);
  render(<TokenForm rejected={apiToken() !== null} />, host);
}

/** Puts the tenant form above whatever page is open, once. */
function askForTenant(rejected: boolean) {
  if (asked) return;
  asked = true;
  const host = document.createElement("div");
  host.id = "tenant-prompt";
  document.body.prepend(host);
  render(<TenantForm rejected={rejected} />, host);
}

/** Asks which tenant's data to show; keeps it for the tab, then loads the page again. */
function TenantForm(props: { rejected: boolean }) {
  const [value, setValue] = useState("");
  return (
    <form
      class="tenant-form"
      onSubmit={(e) => {
        e.preventDefault();
        sessionStorage.setItem(TENANT, value.trim());
        location.reload();
      }}
    >
      <p role="alert">
        {props.rejected
          ? "That is not a tenant id (letters, digits and ! - _ . * ' ( ), up to 150). Try another:"
          : "This Spyglass keeps tenants apart: whose data do you want to see?"}
      </p>
      <label>
        Tenant (X-Scope-OrgID){" "}
        <input
          type="text"
          name="tenant"
          autocomplete="off"
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
      </label>{" "}
      <button type="submit" disabled={value.trim() === ""}>
        Show tenant
      </button>
    </form>
  );
}

/** Asks for the API token this Spyglass wants; keeps it for the tab, then loads the page again. */
function TokenForm(props: { rejected: boolean }) {
  const [value, setValue] = useState("");
  return (
    <form
      class="token-form"
      onSubmit={(e) => {
        e.preventDefault();
        sessionStorage.setItem(TOKEN, value.trim());
        location.reload();
      }}
    >
      <p role="alert">
        {props.rejected
          ? "That API token was not accepted. Try another:"
          : "This Spyglass asks for an API token (extensions.api.auth)."}
      </p>
      <label>
        API token{" "}
        <input
          type="password"
          name="token"
          autocomplete="off"
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
      </label>{" "}
      <button type="submit" disabled={value.trim() === ""}>
        Use token
      </button>
    </form>
  );
}

/** What a new user does to see data here: point an OTel SDK at this host. */
export function SendDataHint(props: { what: string }) {
  return (
    <div class="empty">
      <p>No {props.what} in this time range.</p>
      <p>
        To send some, point an OpenTelemetry SDK here:{" "}
        <code>
          OTEL_EXPORTER_OTLP_ENDPOINT=http://{location.hostname}:4318 OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
        </code>{" "}
        (gRPC: port 4317).
      </p>
    </div>
  );
}
