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

export async function get<T>(path: string, params: Record<string, string>): Promise<T> {
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
