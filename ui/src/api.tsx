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

async function fetchJson<T>(path: string, params: Record<string, string>): Promise<T> {
  const query = new URLSearchParams(params).toString();
  let response: Response;
  try {
    response = await fetch(`${path}?${query}`, { headers: { Accept: "application/json" } });
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
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } }).error;
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
