import { StewardApiError } from './api-error.js';
import type {
  AlertView,
  LabelBatchResult,
  LabelInput,
  ModelHealth,
  ModelSpecInput,
  PredictionBatchResult,
  PredictionInput,
  TimeInput,
  WindowQuery,
  WindowView,
} from './types.js';

export interface StewardClientOptions {
  /** The server, e.g. http://127.0.0.1:8080. */
  url: string;
  /** An API token (required when the server listens beyond loopback). */
  token?: string;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const toTime = (t: TimeInput) => (t instanceof Date ? t.toISOString() : String(t));

function serialiseTimes<T extends { time?: TimeInput }>(rows: readonly T[]): T[] {
  return rows.map((r) => (r.time instanceof Date ? { ...r, time: r.time.toISOString() } : r));
}

/**
 * Typed client of the Steward HTTP API. Errors are {@link StewardApiError}s carrying the server's message and,
 * for refused batches, the row and field of each problem.
 *
 * @example
 * const steward = new StewardClient({ url: 'http://127.0.0.1:8080' });
 * await steward.logPredictions('churn', [{ id: 'a1', features: { age: 31 }, output: 1, score: 0.83 }]);
 */
export class StewardClient {
  private readonly base: string;
  private readonly fetcher: typeof fetch;

  constructor(private readonly options: StewardClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  putModel(spec: ModelSpecInput): Promise<ModelSpecInput> {
    return this.request('PUT', `/api/v1/models/${encodeURIComponent(spec.name)}`, spec);
  }

  getModel(name: string): Promise<{
    spec: ModelSpecInput & { window: number };
    health: ModelHealth;
    counts: { predictions: number; labels: number };
  }> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(name)}`);
  }

  listModels(): Promise<Array<{ name: string; task: string; health: string }>> {
    return this.request('GET', '/api/v1/models');
  }

  logPredictions(model: string, rows: readonly PredictionInput[]): Promise<PredictionBatchResult> {
    return this.request(
      'POST',
      `/api/v1/models/${encodeURIComponent(model)}/predictions`,
      serialiseTimes(rows),
    );
  }

  logLabels(model: string, rows: readonly LabelInput[]): Promise<LabelBatchResult> {
    return this.request('POST', `/api/v1/models/${encodeURIComponent(model)}/labels`, serialiseTimes(rows));
  }

  putReference(
    model: string,
    name: string,
    rows: ReadonlyArray<Record<string, unknown>>,
  ): Promise<{ name: string; rows: number }> {
    return this.request(
      'PUT',
      `/api/v1/models/${encodeURIComponent(model)}/references/${encodeURIComponent(name)}`,
      rows,
    );
  }

  windows(model: string, query: WindowQuery = {}): Promise<WindowView[]> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(model)}/windows${queryString(query)}`);
  }

  metrics(model: string, query: Omit<WindowQuery, 'count' | 'profile'> = {}): Promise<WindowView[]> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(model)}/metrics${queryString(query)}`);
  }

  health(model: string): Promise<ModelHealth> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(model)}/health`);
  }

  alerts(query: { model?: string; status?: 'open' | 'resolved' } = {}): Promise<AlertView[]> {
    return this.request('GET', `/api/v1/alerts${queryString(query)}`);
  }

  runChecks(): Promise<{ results: unknown[] }> {
    return this.request('POST', '/api/v1/checks/run');
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let response: Response;
    try {
      response = await this.fetcher(this.base + path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new StewardApiError(
        0,
        'network',
        `cannot reach Steward at ${this.base}: ${(error as Error).message}`,
      );
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; details?: [] } } | undefined)
        ?.error;
      throw new StewardApiError(
        response.status,
        error?.code ?? 'http',
        error?.message ?? `HTTP ${response.status}: ${text.slice(0, 200)}`,
        error?.details ?? [],
      );
    }
    return parsed as T;
  }
}

function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.set(
      key,
      value instanceof Date || key === 'from' || key === 'to' ? toTime(value as TimeInput) : String(value),
    );
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
